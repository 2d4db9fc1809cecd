// Load the shipped teacher of a task inside the worker and show what it does on a few
// held-out prompts. A missing or broken teacher file is reported, never thrown.
import { loadFromUrl } from '../engine/model/checkpoint';
import type { Transformer } from '../engine/model/transformer';
import { validateConfig, type ModelConfig } from '../engine/model/config';
import { parseModelJson } from '../engine/model/weightCheck';
import { generate } from '../engine/scoring';
import { Rng } from '../engine/rng';
import { getTask, type Example, type Task } from '../engine/tasks';
import { VOCAB_SIZE } from '../engine/tasks/vocab';
import { SKILL_SCORE_PREFIX } from '../engine/tasks/skillScores';
import type { Event, TeacherSample } from './protocol';

// Eight, like the smallest evaluation batch, so both share compiled GPU programs.
export const SHOWCASE_PROMPTS = 8;
/** A task of several skills shows two prompts of each, grouped by skill. */
export const SHOWCASE_PER_SKILL = 2;

/** The held-out examples the page shows the teacher and students on. */
export function showcaseExamples(task: Task): Example[] {
  if (!task.skills || !task.skillOf) return task.heldOut.slice(0, SHOWCASE_PROMPTS);
  const skillOf = task.skillOf;
  return task.skills.flatMap((skill) => task.heldOut.filter((e) => skillOf(e.prompt) === skill).slice(0, SHOWCASE_PER_SKILL));
}

export function teacherUrl(task: string): string {
  // The page's base URL ('/' unless configured); resolved against the worker's own location.
  return new URL(`${import.meta.env.BASE_URL}teachers/${task}/model.json`, self.location.href).href;
}

export type TeacherLoad = { ok: true; model: Transformer; meta: Record<string, unknown> } | { ok: false; message: string };

export async function loadTeacher(task: string): Promise<TeacherLoad> {
  const t = getTask(task);
  try {
    const { model, meta } = await loadFromUrl(teacherUrl(task), { vocabSize: VOCAB_SIZE, seqLen: t.seqLen });
    return { ok: true, model, meta };
  } catch (e) {
    return { ok: false, message: `The ${task} teacher is not available yet (${(e as Error).message}).` };
  }
}

/** The teacher's model configuration, from its model.json alone (no weights); null if unreadable. */
export async function teacherModelConfig(task: string): Promise<ModelConfig | null> {
  try {
    const res = await fetch(teacherUrl(task));
    if (!res.ok) return null;
    const { modelTopology } = parseModelJson(await res.text());
    const config = (modelTopology as { config?: ModelConfig } | null)?.config;
    if (!config) return null;
    validateConfig(config);
    return config;
  } catch {
    return null;
  }
}

/** The score the teacher reached when it was trained, if its file says. */
export function metaScore(meta: Record<string, unknown>): number | null {
  for (const [k, v] of Object.entries(meta)) if (/score/i.test(k) && typeof v === 'number') return v;
  return null;
}

/** The teacher's score per skill as its file records it (`extras256`), or null. */
export function metaSkillScores(meta: Record<string, unknown>): Record<string, number> | null {
  const extras = meta.extras256;
  if (!extras || typeof extras !== 'object') return null;
  const out = Object.fromEntries(Object.entries(extras).filter(([k, v]) => k.startsWith(SKILL_SCORE_PREFIX) && typeof v === 'number' && Number.isFinite(v)));
  return Object.keys(out).length ? out : null;
}

/** The teacher's continuations of the first held-out prompts (greedy, or T = 1 for grammar). */
export async function showcase(model: Transformer, task: string, seed: number): Promise<TeacherSample[]> {
  const t = getTask(task);
  const examples = showcaseExamples(t);
  const temperature = t.scoring === 'greedy-exact-match' ? 0 : 1;
  const outputs = await generate(
    model,
    examples.map((e) => e.prompt),
    examples.length,
    temperature,
    new Rng(seed),
  );
  return examples.map((e, i) => ({ prompt: e.prompt, output: outputs[i], reference: e.answer }));
}

/**
 * Load the teacher of `task` and show the page what it does (or that it is missing: null).
 * The score shown is the one its file records (measured on held-out prompts when it was
 * trained): scoring it here again would cost a full decoding pass before the first step.
 */
export async function presentTeacher(
  task: string,
  seed: number,
  load: (task: string) => Promise<TeacherLoad>,
  post: (e: Event) => void,
): Promise<Transformer | null> {
  post({ type: 'teacher', task, status: 'loading' });
  const loaded = await load(task);
  if (!loaded.ok) {
    post({ type: 'teacher', task, status: 'missing', message: loaded.message });
    return null;
  }
  const samples = await showcase(loaded.model, task, seed);
  post({
    type: 'teacher',
    task,
    status: 'ready',
    params: loaded.model.parameterCount(),
    score: metaScore(loaded.meta),
    skillScores: metaSkillScores(loaded.meta),
    samples,
  });
  return loaded.model;
}
