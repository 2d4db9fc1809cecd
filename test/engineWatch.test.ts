// The dead-worker watch on a fake clock: silence beyond the limit is reported once; a long step
// seen in normal work raises the limit; a rebuild gets its own, longer allowance; an error event
// is reported at once.
import { describe, expect, it } from 'vitest';
import { EngineWatch } from '../src/worker/engineWatch';

function setup() {
  let t = 0;
  const lost: string[] = [];
  const watch = new EngineWatch(
    (why) => lost.push(why),
    () => t,
    { quietMs: 10_000, buildingMs: 120_000, gapFactor: 4 },
  );
  return { watch, lost, advance: (ms: number) => (t += ms) };
}

describe('engine watch', () => {
  it('a rebuild may stay silent for up to two minutes; after it, ten seconds of silence is death', () => {
    const { watch, lost, advance } = setup();
    advance(100_000);
    watch.tick();
    expect(lost).toEqual([]);
    watch.setBuilding(false);
    for (let i = 0; i < 20; i++) {
      advance(1000);
      watch.heard();
      watch.tick();
    }
    expect(lost).toEqual([]);
    advance(10_500);
    watch.tick();
    expect(lost).toEqual(['it has not answered for 11 s']);
    advance(60_000);
    watch.tick();
    expect(lost).toHaveLength(1); // reported once
  });

  it('long steps in normal work raise the limit to four times the longest gap', () => {
    const { watch, lost, advance } = setup();
    watch.setBuilding(false);
    advance(5000); // a 5 s step: the limit becomes 20 s
    watch.heard();
    advance(15_000);
    watch.tick();
    expect(lost).toEqual([]);
    expect(watch.limit()).toBe(20_000);
    advance(6000);
    watch.tick();
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
