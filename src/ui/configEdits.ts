// Edits of the experiment, as pure functions of the spec: one setting, a lane's method, a lane
// added or removed. Each returns a resolved spec; the controller decides what restarts.
import { getMethod } from '../engine/methods/declarations';
import { defaults, type ParamValue } from '../engine/params';
import { MAX_LANES, defaultLane, resolveSpec, type RunSpec } from '../shared/runSpec';
import { laneParam } from '../state/config';
import { shortValue } from './format';
import type { ChartMark } from './playgroundState';

export interface ParamEdit {
  spec: RunSpec;
  problems: string[];
  /** The value before and the value kept after resolving (which may differ from the one asked). */
  before: ParamValue;
  after: ParamValue;
  /** Whether the running students take the change as they train, or the run restarts. */
  live: boolean;
  /** How the charts and notices name the setting, e.g. "S2 lr" in a race, "lr" alone. */
  name: string;
}

/** A shared setting (lane null) or a student's hyperparameter changed; null if there is no such setting. */
export function editParam(current: RunSpec, lane: number | null, id: string, value: ParamValue): ParamEdit | null {
  const spec = structuredClone(current);
  const paramSpec = laneParam(spec.lanes[lane ?? 0].method, id);
  if (!paramSpec) return null;
  const before = lane === null ? spec.settings[id] : spec.lanes[lane].hyper[id];
  if (lane === null) spec.settings[id] = value;
  else spec.lanes[lane].hyper[id] = value;
  const { spec: resolved, problems } = resolveSpec(spec);
  const after = lane === null ? resolved.settings[id] : resolved.lanes[lane].hyper[id];
  const who = lane !== null && resolved.lanes.length > 1 ? `S${lane + 1} ` : '';
  return { spec: resolved, problems, before, after, live: paramSpec.apply === 'live', name: `${who}${id}` };
}

/** Lane `lane` switched to `method`, with that method's default hyperparameters. */
export function withMethod(current: RunSpec, lane: number, method: string): RunSpec {
  const spec = structuredClone(current);
  spec.lanes[lane] = { method, hyper: defaults(getMethod(method).params) };
  return spec;
}

/** One more student, a copy of the last; null at the limit. */
export function withAddedLane(current: RunSpec): RunSpec | null {
  if (current.lanes.length >= MAX_LANES) return null;
  const spec = structuredClone(current);
  const last = spec.lanes[spec.lanes.length - 1];
  spec.lanes.push(last ? structuredClone(last) : defaultLane());
  return spec;
}

/** Student `lane` removed; null for the last one left. */
export function withoutLane(current: RunSpec, lane: number): RunSpec | null {
  if (current.lanes.length <= 1) return null;
  const spec = structuredClone(current);
  spec.lanes.splice(lane, 1);
  return spec;
}

/** A live change marked at `step`; a slider dragged at one step keeps one mark (gone if dragged back). */
export function withLiveMark(marks: readonly ChartMark[], step: number, lane: number | null, id: string, name: string, from: string, to: string): ChartMark[] {
  const next = marks.slice();
  const last = next[next.length - 1];
  if (last && last.kind === 'live' && last.step === step && last.id === id && last.lane === lane) {
    if (last.from === to) next.pop();
    else next[next.length - 1] = { ...last, text: `${name} ${last.from} → ${to}` };
  } else next.push({ step, kind: 'live', id, lane, from, text: `${name} ${from} → ${to}` });
  return next.slice(-20);
}

/**
 * Settings changed since the last restart that restart the run, for its notice and mark. A
 * setting moved twice keeps the value it had before the first move.
 */
export class RestartChanges {
  private changes = new Map<string, { from: string; text: string }>();

  note(lane: number | null, edit: ParamEdit, id: string): void {
    const key = `${lane}:${id}`;
    const from = this.changes.get(key)?.from ?? shortValue(edit.before);
    this.changes.set(key, { from, text: `${edit.name} ${from} → ${shortValue(edit.after)}` });
  }

  /** What changed, joined for a message ('' if nothing), and forget it. */
  take(): string {
    const list = [...this.changes.values()].map((c) => c.text).join(', ');
    this.changes = new Map();
    return list;
  }
}
