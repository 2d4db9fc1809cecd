// The dead-worker watch on a fake clock: an idle worker silent for ten seconds is gone; a busy
// one (or one still loading) may be silent for three minutes; a training one as soon as it is
// silent for five times its longest pause between messages (four seconds at least), once its
// first step is done; each loss is reported once; an error event is reported at once.
import { describe, expect, it } from 'vitest';
import { EngineWatch } from '../src/worker/engineWatch';

function setup() {
  let t = 0;
  const lost: string[] = [];
  const watch = new EngineWatch(
    (why) => lost.push(why),
    () => t,
    { idleMs: 10_000, busyMs: 180_000 },
  );
  return { watch, lost, advance: (ms: number) => (t += ms) };
}

describe('engine watch', () => {
  it('a worker still loading may stay silent as long as a busy one', () => {
    const { watch, lost, advance } = setup();
    advance(100_000);
    watch.tick(false);
    expect(lost).toEqual([]);
    advance(81_000);
    watch.tick(false);
    expect(lost).toEqual(['it has not answered for 181 s']);
  });

  it('an idle worker that stops answering is gone after ten seconds, reported once', () => {
    const { watch, lost, advance } = setup();
    for (let i = 0; i < 20; i++) {
      advance(1000);
      watch.heard();
      watch.tick(false);
    }
    expect(lost).toEqual([]);
    advance(10_500);
    watch.tick(false);
    expect(lost).toEqual(['it has not answered for 11 s']);
    advance(60_000);
    watch.tick(false);
    expect(lost).toHaveLength(1);
  });

  it('a busy worker may be silent for minutes (a long step, GPU programs compiling)', () => {
    const { watch, lost, advance } = setup();
    watch.heard();
    advance(120_000);
    watch.tick(true);
    expect(lost).toEqual([]);
    advance(61_000);
    watch.tick(true);
    expect(lost).toHaveLength(1);
  });

  it('an error event counts at once, with its message', () => {
    const { watch, lost } = setup();
    watch.crashed('out of memory');
    watch.crashed('again');
    expect(lost).toEqual(['it failed: out of memory']);
    expect(watch.isLost).toBe(true);
  });
  describe('while training', () => {
    /** A watch ticked every second, and a worker reporting a status at each of its steps. */
    function training() {
      let t = 0;
      const lost: string[] = [];
      const watch = new EngineWatch(
        (why) => lost.push(why),
        () => t,
      );
      let step = 0;
      /** Let `ms` pass, ticking each second, with the worker silent. */
      const silence = (ms: number, busy = true) => {
        for (let left = ms; left > 0; left -= Math.min(1000, left)) {
          t += Math.min(1000, left);
          watch.tick(busy);
        }
      };
      /** One step of `ms` that ends in a status. */
      const stepOf = (ms: number, phase = 'running') => {
        silence(ms);
        watch.heard();
        watch.progress(phase === 'running', phase === 'running' ? ++step : step);
      };
      /** The page's own thread blocked for `ms`: no tick meanwhile, then one late tick. */
      const pageStood = (ms: number) => {
        t += ms;
        watch.tick(true);
      };
      return { watch, lost, silence, stepOf, pageStood };
    }

    it('a long first step on a slow backend is neither judged nor learned from; then silence over 4 s is death', () => {
      const { watch, lost, silence, stepOf } = training();
      stepOf(50, 'running'); // the play acknowledged
      stepOf(90_000); // the first step: programs compiling, 90 s
      expect(lost).toEqual([]);
      for (let i = 0; i < 20; i++) stepOf(i % 5 === 0 ? 600 : 200); // steps of 0.2 s, evaluations 0.6 s
      // Five times the longest pause (0.6 s) is 3 s, below the floor: 4 s.
      expect(watch.trainingLimit()).toBe(4000);
      silence(4000);
      expect(lost).toEqual([]);
      silence(1000);
      expect(lost).toEqual(['it has not answered for 5 s while training (its steps had answered within 0.6 s)']);
    });

    it('slow steps set a longer limit: five times the longest pause', () => {
      const { watch, lost, silence, stepOf } = training();
      stepOf(0);
      stepOf(3000);
      for (let i = 0; i < 5; i++) stepOf(2000);
      expect(watch.trainingLimit()).toBe(10_000);
      silence(10_000);
      expect(lost).toEqual([]);
      silence(1000);
      expect(lost).toHaveLength(1);
    });

    it('after a changed setting the next step may take longer, and the limit follows it', () => {
      const { watch, lost, silence, stepOf } = training();
      stepOf(0);
      for (let i = 0; i < 10; i++) stepOf(200);
      watch.changed(false); // e.g. twenty critic steps instead of one
      stepOf(8000);
      expect(lost).toEqual([]);
      stepOf(8000); // learned: 5 × 8 s
      expect(watch.trainingLimit()).toBe(40_000);
      silence(20_000);
      expect(lost).toEqual([]);
      // A new run forgets the pace: its first step is not judged, the next ones by their own.
      watch.changed(true);
      stepOf(60_000);
      expect(lost).toEqual([]);
      stepOf(100);
      expect(watch.trainingLimit()).toBe(4000);
    });

    it('a page that stood still (a late tick) waits one tick for the messages queued behind it', () => {
      const { watch, lost, silence, stepOf, pageStood } = training();
      stepOf(0);
      for (let i = 0; i < 10; i++) stepOf(200);
      // The page's thread was busy for 6 s: its next tick comes late, before the worker's
      // messages of those 6 s are handled.
      pageStood(6000);
      expect(lost).toEqual([]);
      stepOf(0);
      silence(3000);
      expect(lost).toEqual([]);
      // The stall was not the worker's pace: the limit is still 4 s. A worker really silent is
      // caught at the next tick on time.
      expect(watch.trainingLimit()).toBe(4000);
      pageStood(6000);
      silence(1000);
      expect(lost).toEqual(['it has not answered for 10 s while training (its steps had answered within 0.2 s)']);
    });

    it('a page whose every tick is late still judges every other tick', () => {
      const { lost, stepOf, pageStood } = training();
      stepOf(0);
      for (let i = 0; i < 10; i++) stepOf(200);
      pageStood(3000);
      expect(lost).toEqual([]);
      pageStood(3000);
      expect(lost).toEqual(['it has not answered for 6 s while training (its steps had answered within 0.2 s)']);
    });

    it('paused, the worker is held to the idle limit again', () => {
      const { watch, lost, silence, stepOf } = training();
      stepOf(0);
      for (let i = 0; i < 5; i++) stepOf(200);
      stepOf(100, 'paused');
      expect(watch.trainingLimit()).toBeNull();
      silence(9000, false);
      expect(lost).toEqual([]);
      silence(2000, false);
      expect(lost).toEqual(['it has not answered for 11 s']);
    });
  });
});
