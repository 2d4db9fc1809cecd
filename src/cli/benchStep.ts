// npm run bench:step [-- --cases gkd-student,gkd-dataset,ammd] [-- --steps 5] [-- --warmup 2] [-- --settle-seconds 3]
// Times the peer comparison's training steps on wasm in this process and prints one JSON line:
// ms and kernels per step per case, in the first steps (cold) and once settled. Used for paired A/B runs (run it alternately from two
// checkouts) and by the bench's peer section.
import { parseArgs } from 'node:util';
import { STEP_CASES, timeCases } from './bench/stepCases';
import { teardownBackends, type BenchBackend } from './bench/env';

const { values } = parseArgs({
  options: {
    cases: { type: 'string', default: STEP_CASES.map((c) => c.id).join(',') },
    steps: { type: 'string', default: '5' },
    warmup: { type: 'string', default: '2' },
    'settle-seconds': { type: 'string', default: '3' },
    backend: { type: 'string', default: 'wasm' },
  },
});
const ids = values.cases!.split(',');
const cases = ids.map((id) => {
  const c = STEP_CASES.find((k) => k.id === id);
  if (!c) throw new Error(`Unknown case '${id}'. Cases: ${STEP_CASES.map((k) => k.id).join(', ')}`);
  return c;
});
try {
  const rows = await timeCases(cases, values.backend as BenchBackend, {
    warmup: Number(values.warmup),
    steps: Number(values.steps),
    settleSeconds: Number(values['settle-seconds']),
  });
  console.log(JSON.stringify(rows));
} finally {
  teardownBackends();
}
process.exit(0);
