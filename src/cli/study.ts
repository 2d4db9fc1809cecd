// npm run study -- --study NAME [--seeds N] [--steps N] [--eval-every K] [--backend wasm|cpu]
//                  [--shard i/n] [--reverse] [--arms a,b] [--cache DIR] [--render-only]
//                  [--student-init sft|scratch]
// Runs a named findings study in-process through the engine's Trainer: every arm with seeds
// 1..N, then writes docs/findings/NAME.md (mean ± sd per arm at fixed checkpoints, settings,
// compute time, verdict), docs/findings/NAME.svg and the study's lines in docs/findings/README.md.
// Runs are ordered seed-major (every arm's seed 1 before any seed 2) so a cut-short session still
// covers every arm, cached in --cache (one JSON per run, reused when the same run is asked for
// again), and --shard i/n takes every n-th run so several processes can share a study.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { commandLine, type Fail } from './args';
import { prepareOutputFolder, writingOutput } from './outputFiles';
import { STUDIES, getStudy } from './studies/definitions';

const USAGE = `usage: npm run study -- --study NAME [--seeds N] [--steps N] [--eval-every K] [--backend wasm|cpu] [--shard i/n] [--cache DIR] [--render-only] [--student-init sft|scratch]
studies: ${STUDIES.map((s) => s.name).join(', ')}`;

const cli = commandLine(USAGE, {
  options: {
    study: { type: 'string' },
    seeds: { type: 'string', default: '3' },
    steps: { type: 'string' },
    'eval-every': { type: 'string' },
    backend: { type: 'string', default: 'wasm' },
    shard: { type: 'string', default: '0/1' },
    cache: { type: 'string' },
    out: { type: 'string' },
    'render-only': { type: 'boolean', default: false },
    reverse: { type: 'boolean', default: false },
    arms: { type: 'string' },
    'student-init': { type: 'string', default: 'sft' },
  },
});
const args = cli.values;
const fail: Fail = cli.fail;
if (!args.study) fail('--study is required');
let study;
try {
  study = getStudy(args.study);
} catch (e) {
  fail((e as Error).message);
}
const seeds = cli.whole('seeds', args.seeds);
const steps = args.steps === undefined ? study.defaultSteps : cli.whole('steps', args.steps);
// About five records per run (plus step 0; no early ones): evaluation is a small share of the compute.
const evalEvery = args['eval-every'] === undefined ? Math.max(1, Math.round(steps / 5)) : cli.whole('eval-every', args['eval-every']);
const shardMatch = /^(\d+)\/(\d+)$/.exec(args.shard!);
if (!shardMatch || Number(shardMatch[1]) >= Number(shardMatch[2])) fail(`--shard expects i/n with 0 ≤ i < n, got '${args.shard}'`);
const [shard, shards] = [Number(shardMatch[1]), Number(shardMatch[2])];
const backendName = cli.oneOf('backend', args.backend, ['wasm', 'cpu'] as const);
const studentInit = cli.oneOf('student-init', args['student-init'], ['sft', 'scratch'] as const);

const { REPO_ROOT, loadModelDir, teacherDir } = await import('./nodeModel');
const outDir = args.out ?? join(REPO_ROOT, 'docs', 'findings');
const cacheDir = args.cache ?? join('/tmp', 'alembic-study', study.name);
for (const task of new Set(study.arms.map((a) => a.task))) {
  if (!existsSync(join(teacherDir(task), 'model.json'))) {
    console.error(`No teacher for '${task}' at ${teacherDir(task)}: run npm run train-teacher -- --task ${task}`);
    process.exit(1);
  }
}

// The output folders take files (or the study fails now, with exit code 5, not after its runs).
// The playground serves the findings from public/findings (a custom --out publishes beside it).
const publicDir = args.out ? join(outDir, 'public') : join(REPO_ROOT, 'public', 'findings');
await prepareOutputFolder(outDir);
await prepareOutputFolder(publicDir);
const { chooseBackend } = await import('../engine/backend');
const backend = await chooseBackend([backendName]);
const { runArm, readCache } = await import('./studies/runner');
const { renderStudy } = await import('./studies/render');
const { publishStudy } = await import('./studies/publish');
const { GrammarProbeSet } = await import('./studies/grammarProbe');

const PROBE_SEED = 4242;
const probe = study.grammarProbe ? new GrammarProbeSet(PROBE_SEED) : null;
const teachers = new Map<string, ReturnType<typeof loadModelDir>['model']>();
const teacherFor = (task: string) => {
  let t = teachers.get(task);
  if (!t) teachers.set(task, (t = loadModelDir(teacherDir(task)).model));
  return t;
};

const extra: string[] = [];
if (probe) {
  const ref = await probe.measure(teacherFor('grammar'));
  extra.push(
    `Reference, the teacher itself on the same probe: grammatical rate ${ref.grammaticalRate.toFixed(3)}, distinct ${ref.distinct} of ${probe.samples}, sequence KL(p_grammar ‖ teacher) ${ref.seqKlGrammar.toFixed(3)} nats.`,
  );
}
const command = `npm run study -- --study ${study.name} --seeds ${seeds} --steps ${steps}${args['eval-every'] ? ` --eval-every ${evalEvery}` : ''}${studentInit === 'scratch' ? ' --student-init scratch' : ''}`;
const info = { seeds, steps, evalEvery, backend: backend.name, command, extra, studentInit };
const render = () =>
  writingOutput(outDir, () => {
    const claims = renderStudy(study, readCache(cacheDir, study.name), info, outDir);
    publishStudy(study, claims, { seeds, steps }, outDir, publicDir);
    return claims;
  });

if (!args['render-only']) {
  // --arms a,b: run only these arms (the page still lists every arm, unrun ones as "not run").
  const only = args.arms ? new Set(args.arms.split(',')) : null;
  if (only) for (const id of only) if (!study.arms.some((a) => a.id === id)) fail(`Unknown arm '${id}'. Arms: ${study.arms.map((a) => a.id).join(', ')}`);
  const armsToRun = study.arms.filter((a) => !only || only.has(a.id));
  const plan = Array.from({ length: seeds }, (_, i) => i + 1).flatMap((seed) => armsToRun.map((arm) => ({ arm, seed })));
  // --reverse walks the plan from the end, so a second process can meet the first in the middle.
  const mine = plan.filter((_, i) => i % shards === shard);
  if (args.reverse) mine.reverse();
  console.error(
    `study ${study.name}: ${mine.length} of ${plan.length} runs (shard ${shard}/${shards}), ${steps} steps, eval every ${evalEvery}, backend ${backend.name}`,
  );
  for (const [i, { arm, seed }] of mine.entries()) {
    const t0 = performance.now();
    const r = await runArm(study, arm, seed, steps, evalEvery, teacherFor(arm.task), backend.name, probe, cacheDir, { earlyEvalSteps: [] }, studentInit);
    const last = r.records[r.records.length - 1];
    console.error(
      `[${i + 1}/${mine.length}] ${arm.id} seed ${seed}: ${((performance.now() - t0) / 1000).toFixed(1)} s${r.halted ? ` HALTED ${r.halted}` : ''}; last ${Object.entries(
        last,
      )
        .filter(([, v]) => typeof v === 'number')
        .slice(0, 14)
        .map(([k, v]) => `${k}=${(v as number).toFixed(3)}`)
        .join(' ')}`,
    );
    await render();
  }
}
const claims = await render();
for (const c of claims) console.log(`${c.verdict}: ${c.claim}\n  ${c.line}`);
for (const t of teachers.values()) t.dispose();
process.exit(0);
