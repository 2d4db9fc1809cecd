// npm run bench:methods -- [--steps N] [--backend wasm|cpu|webgpu] [--task T] [--seed S] [--methods a,b,...]
// Every method with its default settings against the shipped teacher: first and last
// rklStudent, mmOnExact and score over N steps, milliseconds per step, and what one evaluation
// costs relative to training at the default evalEvery. Prints a markdown table.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { commandLine } from './args';
import { chooseBackend } from '../engine/backend';
import { METHOD_IDS, isMethodId } from '../engine/methods/declarations';
import { TASK_IDS } from '../engine/tasks';
import { SHARED_PARAMS } from '../engine/settings';
import { Trainer, resolveConfig } from '../engine/trainer';
import type { MetricRecord } from '../engine/metrics/record';
import type { MethodId } from '../engine/methods/types';
import { loadModelDir, teacherDir } from './nodeModel';

const USAGE = 'usage: npm run bench:methods -- [--steps N] [--backend wasm|cpu|webgpu] [--task T] [--seed S] [--methods a,b,...]';
const cli = commandLine(USAGE, {
  options: {
    steps: { type: 'string', default: '200' },
    backend: { type: 'string', default: 'wasm' },
    task: { type: 'string', default: 'addition' },
    seed: { type: 'string', default: '1' },
    methods: { type: 'string' },
  },
});
const values = cli.values;
const steps = cli.whole('steps', values.steps);
const task = cli.oneOf('task', values.task, TASK_IDS);
const seed = cli.whole('seed', values.seed, 0);
const backendName = cli.oneOf('backend', values.backend, ['wasm', 'cpu', 'webgpu'] as const);
const methods = (values.methods ? values.methods.split(',') : [...METHOD_IDS]).map((m) => {
  if (!isMethodId(m)) cli.fail(`Unknown method '${m}'. Methods: ${METHOD_IDS.join(', ')}`);
  return m as MethodId;
});
const dir = teacherDir(task);
if (!existsSync(join(dir, 'model.json'))) cli.fail(`No teacher at ${dir}: run npm run train-teacher -- --task ${task}`, 4);

const cleanup = backendName === 'webgpu' ? await (await import('./nodeWebGpu')).setupNodeWebGpu() : () => {};
const backend = await chooseBackend([backendName]);
const { model: teacher } = loadModelDir(dir);
const defaultEvalEvery = SHARED_PARAMS.find((p) => p.id === 'evalEvery')!.default as number;
console.error(`bench:methods on ${task}, ${steps} steps per method, seed ${seed}, backend ${backend.name}`);

const fmt = (x: number | null, digits = 3) => (x === null ? '–' : x.toFixed(digits));
const rows: string[] = [];
let allLower = true;
for (const method of methods) {
  const { config, problems } = resolveConfig({ method, settings: { task, seed, steps, evalEvery: 1000 } });
  if (problems.length) throw new Error(problems.join('; '));
  const trainer = await Trainer.create(config, teacher, { backendName: backend.name });
  let t0 = performance.now();
  const first: MetricRecord = await trainer.evaluate();
  const evalMs = performance.now() - t0;
  let trainMs = 0;
  let halted: string | null = null;
  for (let i = 0; i < steps && !halted; i++) {
    t0 = performance.now();
    halted = (await trainer.trainStep()).halted;
    trainMs += performance.now() - t0;
  }
  const last = await trainer.evaluate();
  trainer.dispose();
  const msPerStep = trainMs / trainer.step;
  const evalShare = evalMs / (evalMs + defaultEvalEvery * msPerStep);
  const lower = last.rklStudent! < first.rklStudent!;
  allLower &&= lower;
  rows.push(
    `| ${method} | ${fmt(first.rklStudent)} → ${fmt(last.rklStudent)} ${lower ? '' : '(not lower)'} | ${fmt(first.mmOnExact, 2)} → ${fmt(last.mmOnExact, 2)} | ${fmt(first.score, 3)} → ${fmt(last.score, 3)} | ${msPerStep.toFixed(0)} | ${(100 * evalShare).toFixed(0)}% |${halted ? ` ${halted}` : ''}`,
  );
  console.error(rows[rows.length - 1]);
}
teacher.dispose();
cleanup();

console.log(`\n${task}, ${steps} steps, default settings, seed ${seed}, backend ${backend.name}\n`);
console.log(`| method | rklStudent first → last | mmOnExact first → last | score first → last | ms/step | eval share at evalEvery ${defaultEvalEvery} |`);
console.log('| --- | --- | --- | --- | --- | --- |');
for (const r of rows) console.log(r);
console.log(allLower ? '\nEvery method lowered rklStudent.' : '\nSome methods did not lower rklStudent.');
process.exit(allLower ? 0 : 1);
