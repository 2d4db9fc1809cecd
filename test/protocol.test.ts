import { describe, expect, test } from 'vitest';
import { commandProblem, isCommand, isRunSpec, transferables, type Command } from '../src/worker/protocol';
import { defaultSpec } from '../src/shared/runSpec';

describe('worker message protocol', () => {
  const good: Command[] = [
    { type: 'reset', spec: defaultSpec() },
    { type: 'reset', spec: defaultSpec(), restore: { step: 120, weights: [{ modelJson: '{}', weights: new ArrayBuffer(4) }] } },
    { type: 'reset', spec: defaultSpec(), restore: { step: 0, weights: [null] } },
    { type: 'start' },
    { type: 'start', until: 50 },
    { type: 'pause' },
    { type: 'step', count: 1 },
    { type: 'setParam', lane: null, id: 'lr', value: 0.001 },
    { type: 'setParam', lane: 3, id: 'criticSteps', value: 5 },
    { type: 'inspect', lane: 0 },
    { type: 'saveWeights', lane: 1, requestId: 7 },
    { type: 'loadWeights', lane: 0, files: { modelJson: '{}', weights: new ArrayBuffer(8) }, step: 40, requestId: 8 },
  ];

  test('every well-formed command passes and survives structured cloning', () => {
    for (const cmd of good) {
      expect(commandProblem(cmd), cmd.type).toBeNull();
      const cloned = structuredClone(cmd);
      expect(isCommand(cloned), cmd.type).toBe(true);
    }
  });

  test('malformed commands are rejected with a reason', () => {
    const bad: unknown[] = [
      null,
      42,
      'start',
      { type: 'explode' },
      { type: 'reset' },
      { type: 'reset', spec: { settings: {}, lanes: [] } },
      { type: 'reset', spec: { settings: {}, lanes: Array(5).fill({ method: 'kd', hyper: {} }) } },
      { type: 'reset', spec: { settings: { lr: NaN }, lanes: [{ method: 'kd', hyper: {} }] } },
      { type: 'reset', spec: defaultSpec(), restore: { step: 3, weights: [] } },
      { type: 'reset', spec: defaultSpec(), restore: { step: -1, weights: [null] } },
      { type: 'reset', spec: defaultSpec(), restore: { step: 3, weights: [{ modelJson: 1, weights: new ArrayBuffer(4) }] } },
      { type: 'start', until: 0 },
      { type: 'start', until: 12.5 },
      { type: 'start', until: '50' },
      { type: 'step', count: 0 },
      { type: 'step', count: 1.5 },
      { type: 'setParam', lane: 4, id: 'lr', value: 1 },
      { type: 'setParam', lane: null, id: '', value: 1 },
      { type: 'setParam', lane: null, id: 'lr', value: Infinity },
      { type: 'setParam', lane: null, id: 'lr', value: { x: 1 } },
      { type: 'inspect', lane: -1 },
      { type: 'saveWeights', lane: 0 },
      { type: 'loadWeights', lane: 0, requestId: 1, files: { modelJson: '{}', weights: 'bytes' } },
      { type: 'loadWeights', lane: 0, requestId: 1, files: { modelJson: '{}', weights: new ArrayBuffer(4) }, step: -3 },
    ];
    for (const msg of bad) {
      const problem = commandProblem(msg);
      expect(problem, JSON.stringify(msg) ?? String(msg)).toEqual(expect.any(String));
      expect(isCommand(msg)).toBe(false);
    }
  });

  test('a run spec holds one to four students with plain values', () => {
    expect(isRunSpec(defaultSpec())).toBe(true);
    expect(isRunSpec({ settings: {}, lanes: [{ method: 'kd' }] })).toBe(false);
    expect(isRunSpec({ settings: [], lanes: [{ method: 'kd', hyper: {} }] })).toBe(false);
  });

  test('weights travel as transferables; other messages transfer nothing', () => {
    const weights = new ArrayBuffer(16);
    expect(transferables({ type: 'loadWeights', lane: 0, files: { modelJson: '{}', weights }, requestId: 1 })).toEqual([weights]);
    expect(transferables({ type: 'weights', lane: 0, requestId: 1, files: { modelJson: '{}', weights } })).toEqual([weights]);
    const a = new ArrayBuffer(8);
    expect(transferables({ type: 'reset', spec: defaultSpec(), restore: { step: 1, weights: [{ modelJson: '{}', weights: a }] } })).toEqual([a]);
    expect(transferables({ type: 'reset', spec: defaultSpec() })).toEqual([]);
    expect(transferables({ type: 'start' })).toEqual([]);
  });
});
