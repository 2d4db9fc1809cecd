// The page's end of the run machine: decides whether play, pause, one step or a rebuild is
// sent to the worker, and reads each status against the run commands sent so far. No DOM and
// no TensorFlow.js, so it runs in Node beside a real worker session in the tests.
import { canPause, canPlay, canStep, initialRunState, isActive, runReducer, type RunEvent, type RunPhase, type RunState } from '../shared/runMachine';
import type { RunSpec } from '../shared/runSpec';
import { isRunCommand, type Command, type Event, type RestoreData } from '../worker/protocol';

export type StatusEvent = Extract<Event, { type: 'status' }>;

const startCommand = (until?: number): Command => (until === undefined ? { type: 'start' } : { type: 'start', until });

export class RunTransport {
  private machine: RunState = initialRunState('page');
  /** Run commands sent; a status answers them all once the worker has handled as many. */
  private sent = 0;

  constructor(private readonly post: (cmd: Command) => void) {}

  get state(): RunState {
    return this.machine;
  }

  get phase(): RunPhase {
    return this.machine.phase;
  }

  /** Training, about to, or finishing a step: the page shows Pause and no Step. */
  get active(): boolean {
    return isActive(this.machine);
  }

  private send(cmd: Command): void {
    if (isRunCommand(cmd)) this.sent++;
    this.post(cmd);
  }

  private advance(event: RunEvent): void {
    this.machine = runReducer(this.machine, event);
  }

  /** Rebuild the run; `resume` plays again once it is built (up to step `until`, if given). */
  reset(spec: RunSpec, options: { restore?: RestoreData; resume?: boolean; until?: number } = {}): void {
    this.send(options.restore ? { type: 'reset', spec, restore: options.restore } : { type: 'reset', spec });
    if (options.resume) this.send(startCommand(options.until));
    this.advance({ type: 'reset', resume: options.resume });
  }

  /**
   * Returns whether play was sent (not while building, running or failed); with `until`, the
   * worker stops by itself at that step.
   */
  play(until?: number): boolean {
    if (!canPlay(this.machine.phase)) return false;
    this.send(startCommand(until));
    this.advance({ type: 'play' });
    return true;
  }

  pause(): boolean {
    if (!canPause(this.machine)) return false;
    this.send({ type: 'pause' });
    this.advance({ type: 'pause' });
    return true;
  }

  /** One step, only while standing still (while pausing, the step under way is the last). */
  step(): boolean {
    if (!canStep(this.machine.phase)) return false;
    this.send({ type: 'step', count: 1 });
    this.advance({ type: 'step' });
    return true;
  }

  /**
   * The worker finished a rebuild ('ready'). The page takes it at once: Play and Step are
   * offered from this moment, before the status that acknowledges the reset arrives (it comes a
   * frame later). If a later reset is still queued, commands sent now run after it anyway.
   */
  built(students: number): void {
    this.advance({ type: 'built', students });
  }

  /** A status from the worker: its phase counts once it answers every run command sent. */
  report(status: StatusEvent): void {
    this.advance({ type: 'report', phase: status.phase, settled: status.handled >= this.sent });
  }

  fail(): void {
    this.advance({ type: 'fail' });
  }
}
