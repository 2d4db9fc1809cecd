// npm run parity-fixture [-- --out FILE]
// Writes the engine's losses on one seeded batch (with their inputs) to
// recipes/tests/fixtures/engine_losses.json, the fixture the Python trainers are checked against.
// Runs on the cpu backend, so the numbers are the same on every machine.
import { resolve } from 'node:path';
import { commandLine } from './args';
import { OutputFile } from './outputFiles';
import * as tf from '@tensorflow/tfjs';
import { engineLosses } from './parity/engineLosses';

export const FIXTURE_PATH = 'recipes/tests/fixtures/engine_losses.json';

const { values } = commandLine('usage: npm run parity-fixture [-- --out FILE]', { options: { out: { type: 'string', default: FIXTURE_PATH } } });
await tf.setBackend('cpu');
await tf.ready();
const out = resolve(values.out!);
const losses = JSON.stringify(await engineLosses()) + '\n';
const file = await OutputFile.open(out);
await file.write(losses);
await file.close();
console.log(`wrote ${out}`);
