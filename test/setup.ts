// Unit tests run on the cpu backend: exact, deterministic, and available everywhere.
import * as tf from '@tensorflow/tfjs';

await tf.setBackend('cpu');
await tf.ready();
