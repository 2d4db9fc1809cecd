/// <reference types="vite/client" />
// The engine's home: a dedicated Web Worker. It picks the backend, loads the teacher and trains
// the students, talking to the page only through the typed protocol in ./protocol.
import { transferables, type Event } from './protocol';
import { serve } from './serve';
import { Session } from './session';
import { WASM_PATHS } from './wasmPaths';

const post = (e: Event) => (self as unknown as Worker).postMessage(e, transferables(e));

// The backend is chosen by the first reset, from the run's Backend setting.
const receive = serve(new Session(post, { wasmPaths: WASM_PATHS }), post);
self.onmessage = (ev: MessageEvent<unknown>) => void receive(ev.data);

// A sign of life each second the event loop is free: the page notices a worker that went silent.
setInterval(() => post({ type: 'alive' }), 1000);
