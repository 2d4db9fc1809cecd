// The page's run transport and the worker's real session, joined by a fake message port whose
// worker → page direction delivers only when the test says so: the races the headless browser
// test used to catch (pause unconfirmed, a step added during pausing, weight reads flipping the
// run to paused, restart while running, play after a halt) replayed deterministically in Node.
import { afterEach, describe, expect, test } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Session, type SessionOptions } from '../src/worker/session';
import type { StudentSource } from '../src/worker/student';
import type { Transformer } from '../src/engine/model/transformer';
import { loadStudentStart, studentDir } from '../src/cli/nodeModel';
import { DEFAULT_STUDENT } from '../src/engine/model/sizes';
import { serve } from '../src/worker/serve';
import type { Command, Event, WeightFiles } from '../src/worker/protocol';
import { RunTransport } from '../src/ui/runTransport';
import { resolveSpec } from '../src/shared/runSpec';
import { tinyTeacher } from './helpers/tinyRun';

const SPEC = resolveSpec({
  settings: {
    task: 'addition',
    backend: 'cpu',
    studentInit: 'scratch',
    evalPrompts: 8,
    studentWidth: 8,
    studentLayers: 1,
    studentHeads: 2,
    batchSize: 4,
    evalEvery: 1000,
  },
  lanes: [{ method: 'sft' }],
}).spec;

type Status = Extract<Event, { type: 'status' }>;

/** A page and a worker session; events wait in `inbox` until delivered. */
function connect(options: SessionOptions = {}) {
  const inbox: Event[] = [];
  const seen: Event[] = [];
  const session = new Session((e) => inbox.push(e), {
    loadTeacher: async (task) => ({ ok: true, model: tinyTeacher(task as 'addition'), meta: {} }),
    ...options,
  });
  const receive = serve(session, (e) => inbox.push(e));
  let handled: Promise<void> = Promise.resolve();
  const send = (cmd: Command) => {
    handled = receive(structuredClone(cmd));
  };
  const page = new RunTransport(send);
  let step = 0;
  /** Deliver every event waiting, in order, to the page. */
  const deliver = () => {
    for (const e of inbox.splice(0)) {
      seen.push(e);
      if (e.type === 'status') {
        page.report(e);
        step = e.step;
      }
      if (e.type === 'ready') page.built(e.lanes);
    }
  };
  return {
    session,
    page,
    send,
    deliver,
    seen,
    inbox,
    get step() {
      return step;
    },
    /** Wait until the worker handled everything sent so far. */
    idle: () => handled,
    statuses: () => seen.filter((e): e is Status => e.type === 'status'),
  };
}

async function until(cond: () => boolean, what: string, ms = 20_000) {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

let current: ReturnType<typeof connect> | null = null;
afterEach(async () => {
  if (!current) return;
  current.send({ type: 'pause' });
  await current.idle();
  current = null;
});

async function builtAndPaused() {
  const c = (current = connect());
  c.page.reset(SPEC);
  expect(c.page.phase).toBe('building');
  await c.idle();
  c.deliver();
  expect(c.page.phase).toBe('paused');
  return c;
}

/** Built and paused, then one step on weights that overflow it; `good` are the weights before. */
async function haltedByBrokenWeights() {
  const c = await builtAndPaused();
  const good = await c.session.saveWeights(0);
  // Finite weights so large that the first step overflows (the loader refuses NaN itself).
  const broken: WeightFiles = { modelJson: good.modelJson, weights: new Float32Array(good.weights.byteLength / 4).fill(1e30).buffer };
  c.send({ type: 'loadWeights', lane: 0, files: broken, requestId: 1 });
  c.page.step();
  await c.idle();
  c.deliver();
  return { c, good };
}

async function running(c: ReturnType<typeof connect>, steps = 2) {
  expect(c.page.play()).toBe(true);
  expect(c.page.phase).toBe('starting');
  await c.idle();
  await until(() => c.session.step >= steps, `${steps} steps`);
}

describe('run transport ⇄ worker session', () => {
  test('a status already on its way when Pause is pressed does not count as the answer, and → waits for it', async () => {
    const c = await builtAndPaused();
    await running(c);
    // The worker's "running" statuses are still in the port when Pause is pressed.
    expect(c.page.pause()).toBe(true);
    c.deliver();
    expect(c.statuses().at(-1)!.phase).toBe('running');
    expect(c.page.phase).toBe('pausing');
    expect(c.page.active).toBe(true);
    // → during pausing is refused: the step under way is the last one.
    expect(c.page.step()).toBe(false);
    await c.idle();
    c.deliver();
    expect(c.page.phase).toBe('paused');
    const atPause = c.step;
    expect(atPause).toBe(c.session.step);
    // Now → takes exactly one step, and nothing else moves.
    expect(c.page.step()).toBe(true);
    expect(c.page.phase).toBe('stepping');
    await c.idle();
    c.deliver();
    expect(c.page.phase).toBe('paused');
    expect(c.step).toBe(atPause + 1);
    await new Promise((r) => setTimeout(r, 50));
    expect(c.session.step).toBe(atPause + 1);
  });

  test('a status sent before Play was seen keeps the page starting, not paused', async () => {
    const c = await builtAndPaused();
    // An extra status of the built, paused run arrives after Play was pressed.
    c.inbox.push({ ...c.statuses().at(-1)!, phase: 'paused' });
    c.page.play();
    c.deliver();
    expect(c.page.phase).toBe('starting');
    await c.idle();
    c.deliver();
    expect(c.page.phase).toBe('running');
  });

  test('→ right after the rebuild is taken even before the status acknowledging the reset arrives', async () => {
    const c = (current = connect());
    c.page.reset(SPEC);
    await c.idle();
    // Deliver up to the 'ready' event only: the acknowledging status is still on its way.
    const ready = c.inbox.findIndex((e) => e.type === 'ready');
    const held = c.inbox.splice(ready + 1);
    c.deliver();
    c.inbox.push(...held);
    expect(c.page.phase).toBe('paused');
    expect(c.page.step()).toBe(true);
    await c.idle();
    c.deliver();
    expect(c.step).toBe(1);
    expect(c.page.phase).toBe('paused');
  });

  test('several → presses take that many steps, one after another', async () => {
    const c = await builtAndPaused();
    for (let i = 0; i < 3; i++) expect(c.page.step()).toBe(true);
    await c.idle();
    c.deliver();
    expect(c.step).toBe(3);
    expect(c.page.phase).toBe('paused');
  });

  test('reading weights mid-run never shows the run as paused, and training goes on after', async () => {
    const c = await builtAndPaused();
    await running(c);
    c.deliver();
    expect(c.page.phase).toBe('running');
    const before = c.seen.length;
    c.send({ type: 'saveWeights', lane: 0, requestId: 1 });
    await c.idle();
    c.deliver();
    const during = c.seen.slice(before);
    expect(during.some((e) => e.type === 'weights')).toBe(true);
    expect(during.filter((e): e is Status => e.type === 'status').map((s) => s.phase)).not.toContain('paused');
    expect(c.page.phase).toBe('running');
    const at = c.session.step;
    await until(() => c.session.step > at + 1, 'training to go on');
  });

  test('a restart while running rebuilds from step 0 and plays again; Pause during the rebuild stops that', async () => {
    const c = await builtAndPaused();
    await running(c, 3);
    c.page.reset(SPEC, { resume: c.page.active });
    expect(c.page.phase).toBe('building');
    expect(c.page.active).toBe(true);
    c.deliver(); // statuses from before the restart: still building
    expect(c.page.phase).toBe('building');
    await c.idle();
    c.deliver();
    expect(c.page.phase).toBe('running');
    expect(c.statuses().some((s) => s.step === 0)).toBe(true);

    c.page.reset(SPEC, { resume: true });
    expect(c.page.pause()).toBe(true);
    await c.idle();
    c.deliver();
    expect(c.page.phase).toBe('paused');
    expect(c.page.active).toBe(false);
  });

  test('a halt is a state: play trains no halted student, new weights clear it', async () => {
    const { c, good } = await haltedByBrokenWeights();
    expect(c.seen.some((e) => e.type === 'halted')).toBe(true);
    expect(c.page.phase).toBe('halted');
    // Play is sent, but the only student has halted: the worker stays halted and says so.
    expect(c.page.play()).toBe(true);
    expect(c.page.phase).toBe('starting');
    await c.idle();
    c.deliver();
    expect(c.page.phase).toBe('halted');
    // Good weights clear the halt; the worker reports the change of phase at once.
    c.send({ type: 'loadWeights', lane: 0, files: good, requestId: 2 });
    await c.idle();
    c.deliver();
    expect(c.page.phase).toBe('paused');
    expect(c.page.step()).toBe(true);
    await c.idle();
    c.deliver();
    expect(c.seen.filter((e) => e.type === 'halted').length).toBe(1);
  });

  test('changing the learning rate the halt message names clears the halt; another setting does not', async () => {
    const { c } = await haltedByBrokenWeights();
    expect(c.page.phase).toBe('halted');
    c.send({ type: 'setParam', lane: null, id: 'evalEvery', value: 500 });
    await c.idle();
    c.deliver();
    expect(c.page.phase).toBe('halted');
    c.send({ type: 'setParam', lane: null, id: 'lr', value: 0.001 });
    await c.idle();
    c.deliver();
    expect(c.page.phase).toBe('paused');
  });

  test('a snapshot reads every student at one step, mid-run, and training goes on', async () => {
    const c = (current = connect());
    c.page.reset({ ...SPEC, lanes: [SPEC.lanes[0], SPEC.lanes[0]] });
    await c.idle();
    c.deliver();
    await running(c, 2);
    const snap = await c.session.snapshot();
    expect(snap.weights).toHaveLength(2);
    // Both students were read at the same step: with the same seed and method their weights are equal.
    expect(new Float32Array(snap.weights[0].weights)).toEqual(new Float32Array(snap.weights[1].weights));
    expect(snap.step).toBeGreaterThanOrEqual(2);
    const at = snap.step;
    await until(() => c.session.step > at, 'training after the snapshot');
  });

  test('play until a step stops there by itself, with a record at that step, even across a weights read', async () => {
    const c = await builtAndPaused();
    // evalEvery is 1000 in SPEC: only the stop's own record (and the early 1, 2, 4 … schedule) lands on 7.
    expect(c.page.play(7)).toBe(true);
    await c.idle();
    c.deliver();
    await until(() => c.session.step >= 3, '3 steps');
    c.send({ type: 'saveWeights', lane: 0, requestId: 1 }); // the loop stops and starts again mid-way
    await until(() => c.session.phase === 'paused', 'the stop at step 7');
    await new Promise((r) => setTimeout(r, 50));
    expect(c.session.step).toBe(7);
    await c.idle();
    c.deliver();
    expect(c.page.phase).toBe('paused');
    expect(c.step).toBe(7);
    const recorded = c.seen.flatMap((e) => (e.type === 'records' ? e.records.map((r) => r.record.step) : []));
    expect(recorded).toContain(7);
    // A plain Play afterwards trains on past it; a stop at or before the current step does not start.
    expect(c.page.play(7)).toBe(true);
    await c.idle();
    c.deliver();
    expect(c.page.phase).toBe('paused');
    expect(c.session.step).toBe(7);
    await running(c, 9);
  });

  test('a task without a teacher leaves nothing to play', async () => {
    const c = (current = connect());
    (c.session as unknown as { loadTeacher: () => Promise<unknown> }).loadTeacher = async () => ({ ok: false, message: 'no teacher here' });
    c.page.reset(SPEC);
    await c.idle();
    c.deliver();
    expect(c.page.phase).toBe('idle');
    expect(c.page.play()).toBe(false);
    expect(c.page.step()).toBe(false);
  });
});

describe('worker message loop', () => {
  test('a refused run command is still acknowledged, so the page does not wait for it forever', async () => {
    const c = await builtAndPaused();
    const before = c.statuses().at(-1)!.handled;
    c.page.step(); // counted by the page
    await c.idle();
    // A malformed run command (sent by hand) is refused with a reason and counted as handled.
    const receive = serve(c.session, (e) => c.inbox.push(e));
    await receive({ type: 'step', count: 0 });
    c.deliver();
    expect(c.seen.some((e) => e.type === 'error' && e.context === 'protocol')).toBe(true);
    expect(c.statuses().at(-1)!.handled).toBe(before + 2);
  });
});

describe('warm-start students', () => {
  /** The shipped students read from public/ on disk (the worker fetches them from its site). */
  function fromDisk(): StudentSource & { held: Transformer[] } {
    const held: Transformer[] = [];
    return {
      held,
      load: async (config) => {
        const start = loadStudentStart(config);
        if (start.model) held.push(start.model);
        if (start.model) return { model: start.model, meta: {} };
        return start.notice ? { model: null, notice: start.notice } : null;
      },
      release: () => held.splice(0).forEach((m) => m.dispose()),
    };
  }

  /** The values of the first tensor the shipped manifest lists, as stored in `json` + `weights` (float32). */
  function firstWeight(shippedJson: string, json: string, weights: ArrayBuffer): Float32Array {
    const first = JSON.parse(shippedJson).weightsManifest[0].weights[0].name as string;
    let offset = 0;
    for (const w of JSON.parse(json).weightsManifest[0].weights as Array<{ name: string; shape: number[] }>) {
      const size = w.shape.reduce((a, b) => a * b, 1);
      if (w.name === first) return new Float32Array(weights.slice(offset, offset + 4 * size));
      offset += 4 * size;
    }
    throw new Error(`no weight named ${first}`);
  }

  test('Student start = sft begins from the shipped checkpoint (through the given loader); scratch does not', async () => {
    const students = fromDisk();
    const c = (current = connect({ students }));
    const spec = (studentInit: string) =>
      resolveSpec({ settings: { task: 'addition', backend: 'cpu', studentInit, evalPrompts: 8, batchSize: 4, evalEvery: 1000 }, lanes: [{ method: 'sft' }] })
        .spec;
    // The shipped files, read here on their own: the first weight (the token embedding) is the
    // first tensor in weights.bin.
    const dir = studentDir('addition', DEFAULT_STUDENT);
    const shippedJson = readFileSync(join(dir, 'model.json'), 'utf8');
    const bin = readFileSync(join(dir, 'weights.bin'));
    const shape = JSON.parse(shippedJson).weightsManifest[0].weights[0].shape as number[];
    const shipped = new Float32Array(bin.buffer.slice(bin.byteOffset, bin.byteOffset + 4 * shape[0] * shape[1]));

    c.page.reset(spec('sft'));
    await c.idle();
    c.deliver();
    expect(c.page.phase).toBe('paused');
    expect(c.seen.find((e) => e.type === 'ready')).toMatchObject({ studentStarts: ['sft'], notices: [] });
    expect(students.held).toHaveLength(1);
    const warm = await c.session.saveWeights(0);
    expect(firstWeight(shippedJson, warm.modelJson, warm.weights)).toEqual(shipped);

    c.page.reset(spec('scratch'));
    await c.idle();
    const cold = await c.session.saveWeights(0);
    expect(firstWeight(shippedJson, cold.modelJson, cold.weights)).not.toEqual(shipped);
    students.release();
  });
});
