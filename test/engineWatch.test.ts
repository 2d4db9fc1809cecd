// The dead-worker watch on a fake clock: an idle worker silent for ten seconds is gone; a busy
// one (or one still loading) may be silent for three minutes; each loss is reported once; an
// error event is reported at once.
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
});
