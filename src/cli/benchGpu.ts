// npm run bench:gpu [-- --backends webgpu,wasm] [--widths 32,64,128,256] [--cases gkd-student,gkd-dataset,ammd]
//                   [--warmup N] [--steps N] [--out FILE]
// The step bench at a sweep of model widths on WebGPU (Dawn) and wasm: where does a GPU start to
// pay? Prints a markdown table on stderr and the JSON (machine, backends, rows) on stdout and to
// FILE. `npm run bench:bundle` packs this command with Node and Dawn for a machine that has a GPU
// but no Node. No top-level await: the bundle is CommonJS.
import { writeFileSync } from 'node:fs';
import { cpus, hostname, release } from 'node:os';
import { commandLine } from './args';
import { STEP_CASES } from './bench/stepCases';
import { sweepSizes, type SweepBackend, type SweepResult } from './bench/sizeSweep';

const USAGE =
  'usage: npm run bench:gpu [-- --backends webgpu,wasm] [--widths 32,64,128,256] [--cases gkd-student,gkd-dataset,ammd] [--warmup N] [--steps N] [--out FILE]';

/** A markdown table: per width and case, ms per step on each backend and wasm ÷ WebGPU. */
export function renderSweep(r: SweepResult): string {
  const lines = [
    '| width | case | teacher | wasm ms/step | WebGPU ms/step | wasm ÷ WebGPU | dispatches/step (WebGPU) |',
    '| --- | --- | --- | --- | --- | --- | --- |',
  ];
  const keys = [...new Set(r.rows.map((x) => `${x.width}|${x.case}`))];
  for (const key of keys) {
    const [width, id] = key.split('|');
    const at = (b: SweepBackend) => r.rows.find((x) => `${x.width}|${x.case}` === key && x.backend === b);
    const [w, g] = [at('wasm'), at('webgpu')];
    const ms = (x: typeof w) => (x ? x.msPerStep.toFixed(1) : '—');
    lines.push(
      `| ${width} | ${id} | ${(w ?? g)!.teacher} | ${ms(w)} | ${ms(g)} | ${w && g ? (w.msPerStep / g.msPerStep).toFixed(2) : '—'} | ${g ? g.kernelsPerStep : '—'} |`,
    );
  }
  return lines.join('\n');
}

async function main(): Promise<void> {
  const cli = commandLine(USAGE, {
    options: {
      backends: { type: 'string', default: 'webgpu,wasm' },
      widths: { type: 'string', default: '32,64,128,256' },
      cases: { type: 'string', default: STEP_CASES.map((c) => c.id).join(',') },
      warmup: { type: 'string', default: '2' },
      steps: { type: 'string', default: '5' },
      out: { type: 'string' },
    },
  });
  const v = cli.values;
  const backends = v.backends!.split(',').map((b) => cli.oneOf('backends', b, ['webgpu', 'wasm'] as const));
  const widths = v.widths!.split(',').map((w) => cli.whole('widths', w, 8, 1024));
  for (const w of widths) if (w % 2) cli.fail(`--widths: ${w} is not divisible by the student's 2 heads`);
  const cases = v
    .cases!.split(',')
    .map((id) => STEP_CASES.find((c) => c.id === id) ?? cli.fail(`Unknown case '${id}'. Cases: ${STEP_CASES.map((c) => c.id).join(', ')}`));
  const plan = { widths, warmup: cli.whole('warmup', v.warmup, 0), steps: cli.whole('steps', v.steps) };

  let cleanup = () => {};
  if (backends.includes('webgpu')) {
    try {
      cleanup = await (await import('./nodeWebGpu')).setupNodeWebGpu();
    } catch (e) {
      console.error(`webgpu: Dawn could not load (${(e as Error).message})`);
    }
  }
  // The bundle keeps the wasm binaries beside it (ALEMBIC_WASM_DIR); from a checkout tfjs finds its own.
  const dir = process.env.ALEMBIC_WASM_DIR;
  const wasmPaths = dir
    ? Object.fromEntries(
        ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm', 'tfjs-backend-wasm-threaded-simd.wasm'].map((f) => [f, `${dir.replace(/\/$/, '')}/${f}`]),
      )
    : undefined;
  try {
    const result = await sweepSizes(backends, cases, plan, { wasmPaths, log: (s) => console.error(s) });
    const machine = {
      hostname: hostname(),
      kernel: release(),
      cpu: cpus()[0]?.model ?? 'unknown',
      cores: cpus().length,
      node: process.version,
      at: new Date().toISOString(),
    };
    const json = JSON.stringify({ machine, plan, ...result });
    console.error(`\n${renderSweep(result)}\n`);
    if (v.out) writeFileSync(v.out, json + '\n');
    console.log(json);
  } finally {
    cleanup();
  }
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(`bench:gpu: ${(e as Error).message}`);
    process.exit(1);
  },
);
