// The page's main-thread tasks from a Chromium trace: wall time and the thread's own CPU time.
// On a machine shared with other jobs a task of a few milliseconds of CPU can take 100 ms of
// wall time while the renderer waits for a core; CPU time says what the page itself costs.
import { readFileSync } from 'node:fs';

export interface MainThreadTask {
  startMs: number;
  wallMs: number;
  cpuMs: number;
}

interface TraceEvent {
  name: string;
  ph: string;
  pid: number;
  tid: number;
  ts: number;
  dur?: number;
  tdur?: number;
  args?: { name?: string };
}

/** Top-level tasks (RunTask) of the renderer's main thread that drew the page. */
export function mainThreadTasks(tracePath: string): MainThreadTask[] {
  const events = (JSON.parse(readFileSync(tracePath, 'utf8')) as { traceEvents: TraceEvent[] }).traceEvents;
  const mains = events.filter((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain');
  // The page's renderer is the one whose main thread ran a frame of animation.
  const main = mains.find((m) => events.some((e) => e.pid === m.pid && e.tid === m.tid && e.name === 'FireAnimationFrame')) ?? mains[0];
  if (!main) return [];
  return events
    .filter((e) => e.pid === main.pid && e.tid === main.tid && e.ph === 'X' && e.name === 'RunTask' && e.dur !== undefined)
    .map((e) => ({ startMs: e.ts / 1000, wallMs: (e.dur ?? 0) / 1000, cpuMs: (e.tdur ?? e.dur ?? 0) / 1000 }));
}
