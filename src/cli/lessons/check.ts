// The rule a lesson must pass: at its checkpoint the student expected lower has the lower mean
// over seeds, and the ±1 sd bands (sample sd, n − 1) of the two students do not overlap. Every
// seed must have a value at the checkpoint (a run that halted earlier fails the check), and a
// single seed proves nothing (its sd is 0), so at least two are needed.
import type { ArmAtCheckpoint, EffectCheck, LessonEffect } from '../../state/lessons';
import { clearlyBelow, fmt, summarize } from '../studies/stats';

export interface ArmValues {
  lane: number;
  label: string;
  /** The metric at the checkpoint, one per seed (null: that seed has no value there). */
  values: Array<number | null>;
}

function atCheckpoint(arm: ArmValues): ArmAtCheckpoint {
  const s = summarize(arm.values);
  return { lane: arm.lane, label: arm.label, mean: s.mean, sd: s.sd, n: s.n };
}

export function checkEffect(effect: LessonEffect, lower: ArmValues, higher: ArmValues): EffectCheck {
  const lo = atCheckpoint(lower);
  const hi = atCheckpoint(higher);
  const complete = lo.n === lower.values.length && hi.n === higher.values.length && lo.n > 0 && hi.n > 0;
  const enough = lo.n >= 2 && hi.n >= 2;
  const direction = complete && lo.mean < hi.mean;
  const bandsApart = complete && clearlyBelow({ ...lo }, { ...hi });
  let reason = '';
  if (!complete)
    reason = `missing values at step ${effect.checkpoint}: ${lo.label} ${lo.n}/${lower.values.length}, ${hi.label} ${hi.n}/${higher.values.length} seeds`;
  else if (!direction) reason = `wrong direction: ${lo.label} ${fmt(lo.mean)} is not below ${hi.label} ${fmt(hi.mean)}`;
  else if (!enough) reason = 'one seed has no spread: the check needs at least two';
  else if (!bandsApart)
    reason = `bands overlap: ${fmt(lo.mean)} + ${fmt(lo.sd)} = ${fmt(lo.mean + lo.sd)} is not below ${fmt(hi.mean)} − ${fmt(hi.sd)} = ${fmt(hi.mean - hi.sd)}`;
  return {
    metric: effect.metric,
    checkpoint: effect.checkpoint,
    lower: lo,
    higher: hi,
    direction,
    bandsApart,
    holds: direction && bandsApart && enough,
    reason,
  };
}

/** Problems with a lesson's declaration itself (before anything runs). */
export function effectProblems(effect: LessonEffect, lanes: number): string[] {
  const out: string[] = [];
  if (effect.checkpoint > 400) out.push(`checkpoint ${effect.checkpoint} is past 400 steps`);
  if (effect.steps < effect.checkpoint) out.push(`budget ${effect.steps} is below the checkpoint ${effect.checkpoint}`);
  for (const c of [effect, ...(effect.also ?? [])]) {
    for (const lane of [c.lower, c.higher])
      if (!Number.isInteger(lane) || lane < 0 || lane >= lanes) out.push(`student ${lane + 1} does not exist (${lanes} students)`);
    if (c.lower === c.higher) out.push(`compares a student with itself on ${c.metric}`);
  }
  if (effect.seeds !== undefined && (!Number.isInteger(effect.seeds) || effect.seeds < 3))
    out.push(`${effect.seeds} seeds: a lesson is checked over at least 3`);
  if (effect.firstSeed !== undefined && (!Number.isInteger(effect.firstSeed) || effect.firstSeed < 1))
    out.push(`first seed ${effect.firstSeed} is not a whole number ≥ 1`);
  return out;
}
