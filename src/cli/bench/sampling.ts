// Section "Sampling": ms per generated token when sampling B = 32 continuations of a BOS-only
// prompt to the end of a context of 8 and of 32 (the fixed-shape KV cache makes each step one
// decoding position), for the default student and a teacher-sized model, randomly initialised.
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../../engine/rng';
import { Transformer } from '../../engine/model/transformer';
import { sampleTensors } from '../../engine/model/sampling';
import { DEFAULT_STUDENT, TEACHER_SIZES, type ModelSize } from '../../engine/model/sizes';
import { BOS, VOCAB_SIZE } from '../../engine/tasks/vocab';
import { load, useBackend, type BenchBackend } from './env';
import { perTokenGrowth } from './stats';

export interface SamplingRow {
  model: 'student' | 'teacher';
  seqLen: number;
  msPerToken: number;
  load: number;
}

export interface SamplingSection {
  backend: BenchBackend;
  ok: boolean;
  batch: number;
  repeats: number;
  rows: SamplingRow[];
  /** Per-token cost at 32 over that at 8, per model. */
  growth: Record<string, number>;
}

export const SAMPLE_LENS = [8, 32];

async function msPerToken(size: ModelSize, seqLen: number, batch: number, repeats: number): Promise<number> {
  const model = Transformer.init({ vocabSize: VOCAB_SIZE, seqLen, ...size }, new Rng(5), false);
  const tokens = new Int32Array(batch * seqLen);
  for (let b = 0; b < batch; b++) tokens[b * seqLen] = BOS;
  const prompts = { tokens, promptLens: new Int32Array(batch).fill(1) };
  const rng = new Rng(9);
  const once = async () => {
    const s = sampleTensors(model, prompts, { temperature: 1, rng });
    await s.tokens.data();
    tf.dispose([s.tokens, s.mask]);
  };
  try {
    await once(); // compiles the programs of this shape
    const started = performance.now();
    for (let i = 0; i < repeats; i++) await once();
    return (performance.now() - started) / repeats / (seqLen - 1);
  } finally {
    model.dispose();
  }
}

export async function benchSampling(backend: BenchBackend, repeats: number, batch = 32, log: (s: string) => void = () => {}): Promise<SamplingSection> {
  const section: SamplingSection = { backend, ok: false, batch, repeats, rows: [], growth: {} };
  if (!(await useBackend(backend)).ok) return section;
  section.ok = true;
  for (const [name, size] of [
    ['student', DEFAULT_STUDENT],
    ['teacher', TEACHER_SIZES.addition],
  ] as const) {
    const per: number[] = [];
    for (const seqLen of SAMPLE_LENS) {
      const ms = await msPerToken(size, seqLen, batch, repeats);
      per.push(ms);
      section.rows.push({ model: name, seqLen, msPerToken: ms, load: load() });
      log(`sampling ${backend} ${name} T=${seqLen}: ${ms.toFixed(2)} ms/token`);
    }
    section.growth[name] = perTokenGrowth(per[0], per[1]);
  }
  return section;
}
