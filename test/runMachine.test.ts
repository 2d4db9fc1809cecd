import { describe, expect, test } from 'vitest';
import {
  canPause,
  canPlay,
  canStep,
  initialRunState,
  isActive,
  reportedPhase,
  runReducer,
  type RunEvent,
  type RunPhase,
  type RunSide,
  type RunState,
} from '../src/shared/runMachine';

const at = (side: RunSide, phase: RunPhase, resume = false): RunState => ({ side, phase, resume });
const after = (state: RunState, ...events: RunEvent[]) => events.reduce(runReducer, state);
const ALL: RunPhase[] = ['idle', 'building', 'paused', 'starting', 'running', 'pausing', 'stepping', 'holding', 'halted', 'failed'];

describe('run machine: every transition', () => {
  // [side, from, event, to] — each row written from the lifecycle, not from the code.
  const rows: Array<[RunSide, RunPhase, RunEvent, RunPhase]> = [
    ['worker', 'idle', { type: 'reset' }, 'building'],
    ['worker', 'building', { type: 'built', students: 2 }, 'paused'],
    ['worker', 'building', { type: 'built', students: 0 }, 'idle'],
    ['worker', 'paused', { type: 'built', students: 2 }, 'paused'], // only a build in progress ends
    ['worker', 'paused', { type: 'play' }, 'running'],
    ['page', 'paused', { type: 'play' }, 'starting'],
    ['worker', 'halted', { type: 'play' }, 'running'], // the students that did not halt go on
    ['page', 'halted', { type: 'play' }, 'starting'],
    ['page', 'stepping', { type: 'play' }, 'starting'],
    ['worker', 'idle', { type: 'play' }, 'idle'],
    ['page', 'building', { type: 'play' }, 'building'],
    ['page', 'failed', { type: 'play' }, 'failed'],
    ['worker', 'running', { type: 'play' }, 'running'],
    ['worker', 'running', { type: 'pause' }, 'pausing'],
    ['page', 'starting', { type: 'pause' }, 'pausing'],
    ['worker', 'holding', { type: 'pause' }, 'pausing'],
    ['worker', 'paused', { type: 'pause' }, 'paused'],
    ['page', 'pausing', { type: 'pause' }, 'pausing'],
    ['worker', 'pausing', { type: 'loopStopped' }, 'paused'],
    ['worker', 'halted', { type: 'loopStopped' }, 'halted'], // the last step halted: stays halted
    ['worker', 'paused', { type: 'step' }, 'stepping'],
    ['worker', 'halted', { type: 'step' }, 'stepping'],
    ['page', 'stepping', { type: 'step' }, 'stepping'],
    ['page', 'pausing', { type: 'step' }, 'pausing'], // the "5 steps instead of 4" race
    ['page', 'running', { type: 'step' }, 'running'],
    ['page', 'starting', { type: 'step' }, 'starting'],
    ['page', 'building', { type: 'step' }, 'building'],
    ['worker', 'stepping', { type: 'stepsDone' }, 'paused'],
    ['worker', 'halted', { type: 'stepsDone' }, 'halted'],
    ['worker', 'running', { type: 'hold' }, 'holding'],
    ['worker', 'paused', { type: 'hold' }, 'paused'],
    ['worker', 'holding', { type: 'release' }, 'running'],
    ['worker', 'halted', { type: 'release' }, 'halted'],
    ['worker', 'running', { type: 'halt' }, 'halted'],
    ['worker', 'stepping', { type: 'halt' }, 'halted'],
    ['worker', 'pausing', { type: 'halt' }, 'halted'],
    ['worker', 'building', { type: 'halt' }, 'building'],
    ['worker', 'failed', { type: 'halt' }, 'failed'],
    ['worker', 'halted', { type: 'clearHalt' }, 'paused'],
    ['worker', 'running', { type: 'clearHalt' }, 'running'],
    ['page', 'failed', { type: 'reset' }, 'building'],
    ['page', 'starting', { type: 'report', phase: 'running', settled: true }, 'running'],
    ['page', 'starting', { type: 'report', phase: 'paused', settled: false }, 'starting'],
    ['page', 'pausing', { type: 'report', phase: 'running', settled: false }, 'pausing'],
    ['page', 'pausing', { type: 'report', phase: 'paused', settled: true }, 'paused'],
    ['page', 'running', { type: 'report', phase: 'holding', settled: true }, 'running'],
    ['page', 'running', { type: 'report', phase: 'halted', settled: true }, 'halted'],
    ['page', 'building', { type: 'report', phase: 'idle', settled: true }, 'idle'],
    ['page', 'failed', { type: 'report', phase: 'paused', settled: true }, 'failed'],
    ['worker', 'paused', { type: 'report', phase: 'running', settled: true }, 'paused'],
  ];
  test.each(rows)('%s: %s + %o → %s', (side, from, event, to) => {
    expect(runReducer(at(side, from), event).phase).toBe(to);
  });

  test('fail and reset are taken from every phase', () => {
    for (const side of ['page', 'worker'] as const) {
      for (const phase of ALL) {
        expect(runReducer(at(side, phase), { type: 'fail' }).phase).toBe('failed');
        expect(runReducer(at(side, phase), { type: 'reset' }).phase).toBe('building');
      }
    }
  });

  test('an event that changes nothing returns the same state object', () => {
    const s = at('page', 'running');
    expect(runReducer(s, { type: 'step' })).toBe(s);
    expect(runReducer(s, { type: 'report', phase: 'paused', settled: false })).toBe(s);
  });
});

describe('run machine: restart while running', () => {
  test('a rebuild asked while running plays again once built (worker: running, page: starting)', () => {
    expect(after(at('worker', 'running'), { type: 'reset', resume: true }, { type: 'built', students: 1 }).phase).toBe('running');
    const page = after(at('page', 'running'), { type: 'reset', resume: true });
    expect(page).toEqual({ side: 'page', phase: 'building', resume: true });
    expect(isActive(page)).toBe(true); // Pause stays on screen during the rebuild
    expect(canPause(page)).toBe(true);
    const paused = runReducer(page, { type: 'pause' });
    expect(paused).toEqual({ side: 'page', phase: 'building', resume: false });
    expect(isActive(paused)).toBe(false);
    // A rebuild that found no students does not try to play.
    expect(after(at('worker', 'idle'), { type: 'reset', resume: true }, { type: 'built', students: 0 }).phase).toBe('idle');
  });

  test('a settled report after the rebuild clears resume', () => {
    const s = after(at('page', 'running'), { type: 'reset', resume: true }, { type: 'report', phase: 'running', settled: true });
    expect(s).toEqual({ side: 'page', phase: 'running', resume: false });
  });
});

describe('run machine: what the page offers', () => {
  test('Pause is shown while training, about to, finishing a step or holding; Step only standing still', () => {
    const active = ALL.filter((p) => isActive(at('page', p)));
    expect(active).toEqual(['starting', 'running', 'pausing', 'holding']);
    expect(ALL.filter(canStep)).toEqual(['paused', 'stepping', 'halted']);
    expect(ALL.filter(canPlay)).toEqual(['paused', 'stepping', 'halted']);
    expect(ALL.filter((p) => canPause(at('page', p)))).toEqual(['starting', 'running', 'holding']);
  });

  test('a weights read mid-run is reported as running', () => {
    expect(reportedPhase('holding')).toBe('running');
    for (const p of ALL.filter((x) => x !== 'holding')) expect(reportedPhase(p)).toBe(p);
  });

  test('both sides start idle', () => {
    expect(initialRunState('page')).toEqual({ side: 'page', phase: 'idle', resume: false });
    expect(initialRunState('worker').phase).toBe('idle');
  });
});
