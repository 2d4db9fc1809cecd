// Where a lesson stands in the run the page shows: whether the experiment is still the lesson's,
// whether the run has reached the checkpoint, which earlier runs may be drawn beside it. Plain
// functions of the snapshot, shared by the controller and the panel.
import type { MetricRecord } from '../../engine/metrics/record';
import type { RunSpec } from '../../shared/runSpec';
import { resolveSpec } from '../../shared/runSpec';
import type { Ghost } from '../../state/runs';
import type { Preset } from '../../state/presets';
import { valueAtStep } from './expectedBands';

/**
 * The experiment is still the lesson's: the same task and the same students (count and method).
 * Other changes (a seed, a width) keep the lesson open, with its band hidden (see lessonSetup).
 */
export function ownsExperiment(preset: Preset, spec: RunSpec): boolean {
  const own = resolveSpec(preset.spec).spec;
  return (
    String(own.settings.task) === String(spec.settings.task) &&
    own.lanes.length === spec.lanes.length &&
    own.lanes.every((lane, i) => lane.method === spec.lanes[i].method)
  );
}

/** Both compared students have a value of the lesson's metric at its checkpoint. */
export function reachedCheckpoint(preset: Preset, records: readonly MetricRecord[][]): boolean {
  const { metric, checkpoint, lower, higher } = preset.effect;
  return [lower, higher].every((lane) => valueAtStep(records[lane] ?? [], metric, checkpoint) !== null);
}

/**
 * The earlier runs a lesson's charts draw: only runs of this lesson on its task, each cut at the
 * checkpoint, so no other experiment's curve or longer run squeezes the lesson's steps.
 */
export function lessonGhosts(ghosts: readonly Ghost[], preset: Preset, spec: RunSpec): Ghost[] {
  const task = String(spec.settings.task);
  const { checkpoint } = preset.effect;
  return ghosts
    .filter((g) => g.lesson === preset.id && String(g.spec.settings.task) === task)
    .map((g) => ({ ...g, records: g.records.map((recs) => recs.filter((r) => r.step <= checkpoint)) }));
}
