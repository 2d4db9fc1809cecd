// How the page shows a run spec: lane colours and labels, the declaration behind each control,
// the controls an instructor's link may hide. The spec itself lives in shared/runSpec.
import { isShown, type ParamSpec } from '../engine/params';
import { getMethod, isMethodId, METHODS } from '../engine/methods/declarations';
import { RUN_PARAMS, type RunSpec } from '../shared/runSpec';

/** One colour per student, the same in every chart, sample and card. */
export const LANE_COLORS = ['#2563eb', '#d9480f', '#2b8a3e', '#9c36b5'] as const;

/** A shared setting's spec by id. */
export function sharedParam(id: string): ParamSpec | undefined {
  return RUN_PARAMS.find((p) => p.id === id);
}

/** The spec of `id` for a lane's method, looking at shared settings first. */
export function laneParam(method: string, id: string): ParamSpec | undefined {
  return sharedParam(id) ?? (isMethodId(method) ? getMethod(method).params.find((p) => p.id === id) : undefined);
}

/** Every control id an instructor link may hide. */
export function hideableIds(): Set<string> {
  const ids = new Set<string>(['method', 'race', 'presets', 'keep', 'share']);
  for (const p of RUN_PARAMS) ids.add(p.id);
  for (const m of METHODS) for (const p of m.params) ids.add(p.id);
  return ids;
}

/**
 * A short human label for a student: its method, plus what sets it apart from the other students
 * of the same method, in words a learner reads ("AMMD c=0", "AMMD (critic on hidden states and
 * probabilities)", "GKD λ=1 (forward KL)"). Knobs that do nothing for this student are left out.
 */
export function laneLabel(spec: RunSpec, lane: number): string {
  const l = spec.lanes[lane];
  const decl = isMethodId(l.method) ? getMethod(l.method) : null;
  const name = decl?.label ?? l.method;
  if (spec.lanes.length < 2) return name;
  const symbols: string[] = [];
  const phrases: string[] = [];
  for (const p of decl?.params ?? []) {
    const v = l.hyper[p.id];
    const differs = spec.lanes.some((o, j) => j !== lane && o.method === l.method && o.hyper[p.id] !== v);
    if (!differs || !isShown(p, l.hyper)) continue;
    const short = p.kind === 'choice' ? p.short?.[String(v)] : undefined;
    if (p.kind === 'boolean') phrases.push(`${v ? 'with' : 'without'} ${p.label.charAt(0).toLowerCase()}${p.label.slice(1)}`);
    else if (short) phrases.push(short);
    else symbols.push(`${p.label.split(' ').pop()}=${String(v)}`);
  }
  // No comma inside a name: the lesson panel writes "Student 1, <name>, has …".
  return [name, ...symbols, ...(phrases.length ? [`(${phrases.join('; ')})`] : [])].join(' ');
}
