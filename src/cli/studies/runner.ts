// One run of a study arm through the engine's Trainer, as the distill CLI runs it: records at
// step 0 and every evalEvery steps (flattened, extras included), plus the grammar probe when the
// study asks for it. Each finished run is cached as JSON, so shards and resumed sessions share it.
import { existsSync, mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { writeAtomic } from './writeAtomic';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { Trainer, resolveConfig } from '../../engine/trainer';
import type { RunConfig } from '../../engine/runConfig';
import type { Transformer } from '../../engine/model/transformer';
import type { MetricRecord } from '../../engine/metrics/record';
import type { Arm, Study } from './study';
import type { GrammarProbeSet } from './grammarProbe';
import type { StudentStart } from '../../engine/model/shippedStudents';
import { loadStudentStart } from '../nodeModel';

export type FlatRecord = Record<string, number | null>;

export interface RunResult {
  study: string;
  arm: string;
  seed: number;
  steps: number;
  evalEvery: number;
  records: FlatRecord[];
  wallMs: number;
  halted: string | null;
  backend: string;
  /** The start asked for (Student start setting) and the one the student got (scratch when no checkpoint of its size ships). */
  studentInit?: 'sft' | 'scratch';
  studentStart?: StudentStart;
  /**
   * The run's whole resolved configuration, defaults included. A cached run whose configuration
   * differs from what the arm resolves to now (a changed default, a study's changed `common`) is
   * run again; runs cached before this field existed are trusted as they are.
   */
  config?: RunConfig;
}

export function flatten(r: MetricRecord): FlatRecord {
  const { extras, ...rest } = r;
  return { ...rest, ...(extras ?? {}) };
}

export function runKey(arm: string, seed: number, steps: number, evalEvery: number, studentInit: string, settings: Record<string, unknown> = {}): string {
  // An arm's own settings (its learning rate) are part of the key, so changing them never reuses old runs.
  const own = Object.entries(settings)
    .map(([k, v]) => `__${k}${v}`)
    .join('');
  return `${arm}__s${seed}__n${steps}__e${evalEvery}__${studentInit}${own}`;
}

export function readCache(dir: string, study: string): RunResult[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as RunResult)
    .filter((r) => r.study === study);
}

export async function runArm(
  study: Pick<Study, 'name' | 'common'>,
  arm: Arm,
  seed: number,
  steps: number,
  evalEvery: number,
  teacher: Transformer,
  backend: string,
  probe: GrammarProbeSet | null,
  cacheDir: string,
  trainerOptions: { evalPrompts?: number; earlyEvalSteps?: readonly number[] } = {},
  /** The student's start; by default the study's shared setting, else the shipped SFT checkpoint. */
  init?: 'sft' | 'scratch',
): Promise<RunResult> {
  const studentInit = init ?? (study.common.studentInit === 'scratch' ? 'scratch' : 'sft');
  const { config, problems } = resolveConfig({
    method: arm.method,
    settings: { ...study.common, ...arm.settings, task: arm.task, seed, steps: Math.max(10, steps), evalEvery, studentInit },
    hyper: arm.hyper ?? {},
  });
  if (problems.length) throw new Error(`${study.name}/${arm.id}: ${problems.join('; ')}`);
  const file = join(cacheDir, `${runKey(arm.id, seed, steps, evalEvery, studentInit, arm.settings)}.json`);
  if (existsSync(file)) {
    const cached = JSON.parse(readFileSync(file, 'utf8')) as RunResult;
    if (!cached.config || isDeepStrictEqual(cached.config, config)) return cached;
  }
  const started = performance.now();
  const start = loadStudentStart(config);
  if (start.notice) console.error(`${study.name}/${arm.id}: ${start.notice}`);
  const trainer = await Trainer.create(config, teacher, { ...trainerOptions, backendName: backend, initialStudent: start.model });
  start.model?.dispose();
  const records: FlatRecord[] = [];
  let halted: string | null = null;
  const keep = async (r: MetricRecord) => {
    const flat = flatten(r);
    if (probe) Object.assign(flat, await probe.measure(trainer.student));
    records.push(flat);
  };
  try {
    await keep(await trainer.evaluate());
    for (let i = 0; i < steps; i++) {
      const o = await trainer.trainStep();
      if (o.halted) {
        halted = o.halted;
        break;
      }
      if (o.record) await keep(o.record);
    }
    if (!halted && trainer.step % evalEvery !== 0) await keep(await trainer.evaluate());
  } finally {
    trainer.dispose();
  }
  const result: RunResult = {
    study: study.name,
    arm: arm.id,
    seed,
    steps,
    evalEvery,
    records,
    wallMs: performance.now() - started,
    halted,
    backend,
    studentInit,
    studentStart: trainer.studentStart,
    config,
  };
  mkdirSync(cacheDir, { recursive: true });
  writeAtomic(file, JSON.stringify(result));
  return result;
}
