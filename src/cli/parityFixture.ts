// npm run parity-fixture [-- --out FILE]
// Writes the engine's losses on one seeded batch (with their inputs) to
// recipes/tests/fixtures/engine_losses.json, the fixture the Python trainers are checked against.
// Runs on the cpu backend, so the numbers are the same on every machine.
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { engineLosses } from './parity/engineLosses';

export const FIXTURE_PATH = 'recipes/tests/fixtures/engine_losses.json';

const { values } = parseArgs({ options: { out: { type: 'string', default: FIXTURE_PATH } }, strict: true });
await tf.setBackend('cpu');
await tf.ready();
const out = resolve(values.out!);
writeFileSync(out, JSON.stringify(await engineLosses()) + '\n');
console.log(`wrote ${out}`);
