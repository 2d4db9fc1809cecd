/// <reference types="vite/client" />
// The engine's home: a dedicated Web Worker. It picks the backend, loads the teacher and trains
// the students, talking to the page only through the typed protocol in ./protocol.
import { commandProblem, transferables, type Command, type Event } from './protocol';
import { Session } from './session';
import { WASM_PATHS } from './wasmPaths';

const post = (e: Event) => (self as unknown as Worker).postMessage(e, transferables(e));

// The backend is chosen by the first reset, from the run's Backend setting.
const session = new Session(post, WASM_PATHS);

async function handle(cmd: Command, s: Session): Promise<void> {
  switch (cmd.type) {
    case 'reset':
      return s.reset(cmd.spec, cmd.restore);
    case 'start':
      return s.start();
    case 'pause':
      return s.pause();
    case 'step':
      return s.stepN(cmd.count);
    case 'setParam':
      return s.setParam(cmd.lane, cmd.id, cmd.value);
    case 'inspect':
      return s.inspect(cmd.lane);
    case 'saveWeights': {
      const files = await s.saveWeights(cmd.lane);
      return post({ type: 'weights', lane: cmd.lane, requestId: cmd.requestId, files });
    }
    case 'loadWeights': {
      const step = s.loadWeights(cmd.lane, cmd.files, cmd.step);
      return post({ type: 'weightsLoaded', lane: cmd.lane, requestId: cmd.requestId, step });
    }
  }
}

// Commands run one at a time, in arrival order; play's loop runs beside them and is stopped
// by any command that needs the run to stand still (reset, step, pause).
let queue: Promise<void> = Promise.resolve();
self.onmessage = (ev: MessageEvent<unknown>) => {
  const problem = commandProblem(ev.data);
  if (problem) {
    post({ type: 'error', context: 'protocol', message: problem });
    return;
  }
  const cmd = ev.data as Command;
  queue = queue.then(async () => {
    try {
      await handle(cmd, session);
    } catch (e) {
      const requestId = 'requestId' in cmd ? cmd.requestId : undefined;
      post({ type: 'error', context: cmd.type, message: (e as Error).message, requestId });
    }
  });
};
