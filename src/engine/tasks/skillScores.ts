// The score per skill of a task of several skills (instructions): the share of exactly right
// outputs among the prompts of each skill, reported as extras `score.<skill>`.
import type { Task } from './task';

export const SKILL_SCORE_PREFIX = 'score.';
/** A skill counts as kept when at least this share of its prompts are exactly right. */
export const KEPT_AT = 0.5;

/**
 * `{ 'score.rev': …, …, skillsKept }` for a task with skills (`skillsKept`: how many skills
 * score at least KEPT_AT); `{}` for any other task.
 */
export function skillScores(task: Task, rows: ReadonlyArray<{ prompt: string; score: number }>): Record<string, number> {
  if (!task.skills || !task.skillOf) return {};
  const sum = new Map<string, number>(task.skills.map((s) => [s, 0]));
  const count = new Map<string, number>(task.skills.map((s) => [s, 0]));
  for (const { prompt, score } of rows) {
    const skill = task.skillOf(prompt);
    if (!sum.has(skill)) continue;
    sum.set(skill, sum.get(skill)! + score);
    count.set(skill, count.get(skill)! + 1);
  }
  const out: Record<string, number> = {};
  let kept = 0;
  for (const skill of task.skills) {
    if (count.get(skill)! === 0) continue;
    const score = sum.get(skill)! / count.get(skill)!;
    out[SKILL_SCORE_PREFIX + skill] = score;
    if (score >= KEPT_AT) kept++;
  }
  out.skillsKept = kept;
  return out;
}

/** The skills found in a record's extras, in the order they were written. */
export function skillsInExtras(extras: Record<string, unknown> | undefined): string[] {
  return Object.keys(extras ?? {})
    .filter((k) => k.startsWith(SKILL_SCORE_PREFIX))
    .map((k) => k.slice(SKILL_SCORE_PREFIX.length));
}
