// Section "Scaling": ms per step of AMMD and GKD as the context (8, 16, 32, student width 32)
// and the student's width (32, 64, 128, context 16) grow. Contexts other than 16 use the
// synthetic addition and a random teacher of that context; width runs use the shipped teacher.
import { Trainer, resolveConfig } from '../../engine/trainer';
import type { MethodId } from '../../engine/methods/types';
import type { Transformer } from '../../engine/model/transformer';
import { loadModelDir, teacherDir } from '../nodeModel';
import { load, timeSteps, useBackend, type BenchBackend } from './env';
import { syntheticAddition, syntheticTeacher, withTask } from './synthetic';

export interface ScalingRow {
  method: MethodId;
  seqLen: number;
  width: number;
  teacher: 'shipped' | 'synthetic';
  msPerStep: number;
  kernelsPerStep: number;
  load: number;
}

export interface ScalingSection {
  backend: BenchBackend;
  ok: boolean;
  steps: number;
  rows: ScalingRow[];
}

export const SEQ_LENS = [8, 16, 32];
export const WIDTHS = [32, 64, 128];

export async function benchScaling(
  backend: BenchBackend,
  warmup: number,
  steps: number,
  methods: MethodId[] = ['ammd', 'gkd'],
  log: (s: string) => void = () => {},
): Promise<ScalingSection> {
  const section: ScalingSection = { backend, ok: false, steps, rows: [] };
  if (!(await useBackend(backend)).ok) return section;
  section.ok = true;
  const cases: Array<{ seqLen: number; width: number }> = [
    ...SEQ_LENS.map((seqLen) => ({ seqLen, width: 32 })),
    ...WIDTHS.filter((w) => w !== 32).map((width) => ({ seqLen: 16, width })),
  ];
  for (const method of methods) {
    for (const { seqLen, width } of cases) {
      const shipped = seqLen === 16;
      const teacher: Transformer = shipped ? loadModelDir(teacherDir('addition')).model : syntheticTeacher(seqLen);
      const task = shipped ? null : syntheticAddition(seqLen);
      const run = async () => {
        const { config, problems } = resolveConfig({ method, settings: { task: 'addition', seed: 1, evalEvery: 1000, studentWidth: width } });
        if (problems.length) throw new Error(problems.join('; '));
        const trainer = await Trainer.create(config, teacher, { backendName: backend, evalPrompts: 8 });
        try {
          return await timeSteps(trainer, warmup, steps, 0);
        } finally {
          trainer.dispose();
        }
      };
      try {
        const t = task ? await withTask(task, run) : await run();
        const row: ScalingRow = {
          method,
          seqLen,
          width,
          teacher: shipped ? 'shipped' : 'synthetic',
          msPerStep: t.msPerStep,
          kernelsPerStep: t.kernelsPerStep,
          load: load(),
        };
        section.rows.push(row);
        log(`scaling ${backend} ${method} T=${seqLen} d=${width}: ${t.msPerStep.toFixed(1)} ms/step, load ${row.load}`);
      } finally {
        teacher.dispose();
      }
    }
  }
  return section;
}
