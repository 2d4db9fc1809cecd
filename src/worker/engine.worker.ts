/// <reference types="vite/client" />
// The engine's home: a dedicated Web Worker. It picks the backend, loads the teacher and
// (later) trains students, talking to the page only through the typed protocol.
import * as tf from '@tensorflow/tfjs';
import { chooseBackend } from '../engine/backend';
import { commandProblem, type Command, type Event } from './protocol';
import { loadTeacher, metaScore, showcase } from './teacher';

const post = (e: Event) => (self as unknown as Worker).postMessage(e);

let teacherTask: string | null = null;

async function onReset(spec: Extract<Command, { type: 'reset' }>['spec']) {
  const task = String(spec.settings.task ?? 'addition');
  if (task === teacherTask) return;
  teacherTask = task;
  post({ type: 'teacher', task, status: 'loading' });
  const loaded = await loadTeacher(task);
  if (!loaded.ok) {
    post({ type: 'teacher', task, status: 'missing', message: loaded.message });
    return;
  }
  const samples = await showcase(loaded.model, task, Number(spec.settings.seed ?? 1));
  post({ type: 'teacher', task, status: 'ready', params: loaded.model.parameterCount(), score: metaScore(loaded.meta), samples });
  loaded.model.dispose();
}

const ready = (async () => {
  const report = await chooseBackend(['webgpu', 'webgl', 'cpu']);
  post({ type: 'backend', info: { name: report.name, adapter: report.adapter, fallbackReason: report.fallbackReason } });
  void tf.memory();
})().catch((e) => post({ type: 'fatal', message: (e as Error).message }));

// Commands run one at a time, in order.
let queue: Promise<void> = ready;
self.onmessage = (ev: MessageEvent<unknown>) => {
  const problem = commandProblem(ev.data);
  if (problem) {
    post({ type: 'error', context: 'protocol', message: problem });
    return;
  }
  const cmd = ev.data as Command;
  queue = queue.then(async () => {
    try {
      if (cmd.type === 'reset') await onReset(cmd.spec);
    } catch (e) {
      post({ type: 'error', context: cmd.type, message: (e as Error).message });
    }
  });
};
