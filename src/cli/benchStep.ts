// npm run bench:step [-- --cases gkd-student,gkd-dataset,ammd] [-- --steps 5] [-- --warmup 2]
// Times the peer comparison's training steps on wasm in this process and prints one JSON line:
// ms and kernels per step per case. Used for paired A/B runs (run it alternately from two
// checkouts) and by the bench's peer section.
import { parseArgs } from 'node:util';
import { STEP_CASES, timeCases } from './bench/stepCases';
import { teardownBackends, type BenchBackend } from './bench/env';

const { values } = parseArgs({
  options: {
    cases: { type: 'string', default: STEP_CASES.map((c) => c.id).join(',') },
    steps: { type: 'string', default: '5' },
    warmup: { type: 'string', default: '2' },
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
  const rows = await timeCases(cases, values.backend as BenchBackend, Number(values.warmup), Number(values.steps));
  console.log(JSON.stringify(rows));
} finally {
  teardownBackends();
}
process.exit(0);
