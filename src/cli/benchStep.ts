// npm run bench:step [-- --cases gkd-student,gkd-dataset,ammd] [-- --steps 5] [-- --warmup 2] [-- --settle-seconds 3]
// Times the peer comparison's training steps on wasm in this process and prints one JSON line:
// ms and kernels per step per case, in the first steps (cold) and once settled. Used for paired A/B runs (run it alternately from two
// checkouts) and by the bench's peer section.
import { commandLine, type Fail } from './args';
import { STEP_CASES, timeCases } from './bench/stepCases';
import { teardownBackends, type BenchBackend } from './bench/env';

const USAGE = 'usage: npm run bench:step [-- --cases gkd-student,gkd-dataset,ammd] [--steps N] [--warmup N] [--settle-seconds S] [--backend wasm|cpu|webgpu]';
const cli = commandLine(USAGE, {
  options: {
    cases: { type: 'string', default: STEP_CASES.map((c) => c.id).join(',') },
    steps: { type: 'string', default: '5' },
    warmup: { type: 'string', default: '2' },
    'settle-seconds': { type: 'string', default: '3' },
    backend: { type: 'string', default: 'wasm' },
  },
});
const values = cli.values;
const fail: Fail = cli.fail;
const ids = values.cases!.split(',');
const cases = ids.map((id) => {
  const c = STEP_CASES.find((k) => k.id === id);
  if (!c) fail(`Unknown case '${id}'. Cases: ${STEP_CASES.map((k) => k.id).join(', ')}`);
  return c;
});
const plan = {
  warmup: cli.whole('warmup', values.warmup, 0),
  steps: cli.whole('steps', values.steps),
  settleSeconds: cli.number('settle-seconds', values['settle-seconds'], { min: 0 }),
};
const backend = cli.oneOf('backend', values.backend, ['wasm', 'cpu', 'webgpu'] as const) as BenchBackend;
try {
  const rows = await timeCases(cases, backend, plan);
  console.log(JSON.stringify(rows));
} finally {
  teardownBackends();
}
process.exit(0);
