// Ghosts: a few earlier runs of this session, drawn as grey curves behind the current one.
import { laneLabel } from '../state/config';
import type { Ghost } from '../state/runs';
import type { PlaygroundState } from './playgroundState';

const MAX_GHOSTS = 3;

/** The ghosts with the current run added (if it trained at all), the oldest dropped past a few. */
export function withGhost(
  { records, spec, step, ghosts, lesson }: Pick<PlaygroundState, 'records' | 'spec' | 'step' | 'ghosts' | 'lesson'>,
  id: number,
): Ghost[] {
  if (!records.some((r) => r.length > 1)) return ghosts;
  const label = `previous run: ${spec.lanes.map((_, i) => laneLabel(spec, i)).join(' vs ')}, seed ${String(spec.settings.seed)} (${String(spec.settings.task)}, to step ${step})`;
  return [...ghosts, { id, label, spec, records, lesson }].slice(-MAX_GHOSTS);
}

/** The id after every ghost's in `ghosts`. */
export function nextGhostId(ghosts: readonly Ghost[]): number {
  return Math.max(0, ...ghosts.map((g) => g.id)) + 1;
}
