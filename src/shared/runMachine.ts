// The run's lifecycle as one state machine, a pure reducer over events. Both threads drive it:
// the worker's session (side 'worker') for what the engine is doing, the page's controller
// (side 'page') for what the learner asked and the worker has confirmed. The page moves to a
// waiting phase (starting, pausing, stepping, building) when it sends a command and takes the
// worker's phase only from a status sent after the worker handled every command the page sent
// (a 'settled' report): a status already on its way when Pause was pressed says "running" and
// must not count as the answer.
//
//   idle ──reset──▶ building ──built──▶ paused ◀──steps done── stepping ◀──step── paused
//                                        │  ▲
//                                   play │  └──loop stopped── pausing ◀──pause──┐
//                                        ▼                                      │
//                      (page only) starting ──confirmed──▶ running ─────────────┘
//                                                          │  ▲
//                                    hold (weights are read)▼  │release
//                                                        holding   (the page sees running)
//   halt (a student hit NaN/Inf) ▶ halted: play trains the others, clear-halt ▶ paused
//   fail (the worker or its backend died) ▶ failed: only a reset leaves it
//   reset from anywhere ▶ building (with resume: play again once built)

export type RunPhase =
  /** Nothing to train: before the first build, or the task has no teacher. */
  | 'idle'
  /** Teacher, students and the first evaluation are being built. */
  | 'building'
  | 'paused'
  /** Page only: play was sent and the worker has not confirmed it. */
  | 'starting'
  | 'running'
  /** Pause was asked; the step under way finishes first. */
  | 'pausing'
  /** Single steps were asked and are not all done. */
  | 'stepping'
  /** Worker only: training stands still while a student's weights are read, then continues. */
  | 'holding'
  /** A student stopped on a non-finite value; the run stands still, the others can go on. */
  | 'halted'
  /** The engine cannot run (worker crashed, no backend). */
  | 'failed';

export type RunSide = 'page' | 'worker';

export interface RunState {
  side: RunSide;
  phase: RunPhase;
  /** Play again once the rebuild under way is done (a restart while running). */
  resume: boolean;
}

export type RunEvent =
  /** A rebuild was asked (page) or begun (worker); `resume` plays once it is built. */
  | { type: 'reset'; resume?: boolean }
  /** Worker: the rebuild finished with this many students (0: nothing to train). */
  | { type: 'built'; students: number }
  | { type: 'play' }
  | { type: 'pause' }
  | { type: 'step' }
  /** Worker: the training loop finished its last step after a pause, a hold or a halt. */
  | { type: 'loopStopped' }
  /** Worker: the asked single steps are done. */
  | { type: 'stepsDone' }
  /** Worker: stand still to read weights mid-run, then go on. */
  | { type: 'hold' }
  | { type: 'release' }
  /** A student stopped on a non-finite value (the worker saw it, or the page was told). */
  | { type: 'halt' }
  /** The reason for the halt is gone (new weights, a changed setting): back to paused. */
  | { type: 'clearHalt' }
  | { type: 'fail' }
  /** Page: a status from the worker; `settled` when it was sent after every command the page sent. */
  | { type: 'report'; phase: RunPhase; settled: boolean };

export function initialRunState(side: RunSide): RunState {
  return { side, phase: 'idle', resume: false };
}

/** Phases in which the page shows training as going on (Pause offered, Step not). */
const ACTIVE: ReadonlySet<RunPhase> = new Set(['starting', 'running', 'pausing', 'holding']);

/**
 * Whether the learner sees a running run (Pause offered, Step not): training, about to, or
 * finishing a step; also a rebuild that will play once built.
 */
export function isActive(state: RunState): boolean {
  return ACTIVE.has(state.phase) || (state.phase === 'building' && state.resume);
}

/** Whether Pause means something now (a rebuild that would play gets told not to). */
export function canPause(state: RunState): boolean {
  return state.phase === 'starting' || state.phase === 'running' || state.phase === 'holding' || (state.phase === 'building' && state.resume);
}

/** Whether Play can be taken now (a halted run trains the students that did not halt). */
export function canPlay(phase: RunPhase): boolean {
  return phase === 'paused' || phase === 'halted' || phase === 'stepping';
}

/** Whether one more step can be asked now. */
export function canStep(phase: RunPhase): boolean {
  return phase === 'paused' || phase === 'halted' || phase === 'stepping';
}

/** What the worker tells the page: a weights read mid-run is still a running run. */
export function reportedPhase(phase: RunPhase): RunPhase {
  return phase === 'holding' ? 'running' : phase;
}

export function runReducer(state: RunState, event: RunEvent): RunState {
  const { side, phase } = state;
  const to = (next: RunPhase, resume = state.resume): RunState => (next === phase && resume === state.resume ? state : { side, phase: next, resume });
  switch (event.type) {
    case 'reset':
      return to('building', event.resume ?? false);
    case 'built':
      if (phase !== 'building') return state;
      if (event.students === 0) return to('idle', false);
      return to(state.resume ? (side === 'page' ? 'starting' : 'running') : 'paused', false);
    case 'play':
      if (!canPlay(phase)) return state;
      return to(side === 'page' ? 'starting' : 'running');
    case 'pause':
      if (phase === 'building') return to(phase, false);
      if (phase === 'starting' || phase === 'running' || phase === 'holding') return to('pausing');
      return state;
    case 'step':
      return canStep(phase) ? to('stepping') : state;
    case 'loopStopped':
      return phase === 'pausing' ? to('paused') : state;
    case 'stepsDone':
      return phase === 'stepping' ? to('paused') : state;
    case 'hold':
      return phase === 'running' ? to('holding') : state;
    case 'release':
      return phase === 'holding' ? to('running') : state;
    case 'halt':
      return phase === 'failed' || phase === 'idle' || phase === 'building' ? state : to('halted');
    case 'clearHalt':
      return phase === 'halted' ? to('paused') : state;
    case 'fail':
      return to('failed', false);
    case 'report':
      // An unsettled status predates a command the worker has not handled yet: keep waiting.
      // The worker's own failure or rebuild state is never overridden by the page's intent.
      if (!event.settled || side !== 'page') return state;
      if (phase === 'failed') return state;
      return to(event.phase === 'holding' ? 'running' : event.phase, false);
  }
}
