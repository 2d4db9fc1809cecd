// npm run bench [-- --quick] [-- --sections page,methods,scaling,sampling,memory,peer,dispatches] [-- --out docs/bench] [-- --render] [-- --merge]
// The performance report, every figure measured in this run: per-method step cost by
// phase on cpu, wasm and webgpu (Node + Dawn on SwiftShader), scaling with context and width,
// sampling cost per token, reads and kernels per step, memory over many steps, and the page in
// headless Chromium, and dispatches per step on webgpu. Prints markdown; writes <out>/bench.json and
// <out>/bench.md. With --merge the sections measured replace theirs in an existing bench.json and
// the others are kept, with a note of which run measured what.
import { execSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { commandLine } from './args';
import { prepareOutputFolder, writingOutput } from './outputFiles';
import { load, teardownBackends } from './bench/env';
import { benchMethods, type MethodsPlan } from './bench/methods';
import { benchScaling } from './bench/scaling';
import { benchSampling } from './bench/sampling';
import { benchMemory } from './bench/memory';
import { benchPage } from './bench/page';
import { benchPeer } from './bench/peer';
import { benchDispatches } from './bench/dispatches';
import { renderMarkdown, type BenchResult } from './bench/report';
import { REPO_ROOT } from './nodeModel';

const SECTIONS = ['page', 'methods', 'scaling', 'sampling', 'memory', 'peer', 'dispatches'] as const;
const USAGE = 'usage: npm run bench [-- --quick] [--sections page,methods,scaling,sampling,memory,peer,dispatches] [--out DIR] [--render] [--merge]';
const cli = commandLine(USAGE, {
  options: {
    quick: { type: 'boolean', default: false },
    sections: { type: 'string', default: SECTIONS.join(',') },
    out: { type: 'string', default: join(REPO_ROOT, 'docs', 'bench') },
    /** Re-render <out>/bench.md from a saved bench.json (e.g. of an interrupted run), measuring nothing. */
    render: { type: 'boolean', default: false },
    /** Keep the sections of <out>/bench.json that this run does not measure. */
    merge: { type: 'boolean', default: false },
  },
});
const values = cli.values;
if (values.render) {
  const saved = JSON.parse(readFileSync(join(values.out!, 'bench.json'), 'utf8')) as BenchResult;
  const text = renderMarkdown(saved);
  writingOutput(values.out!, () => writeFileSync(join(values.out!, 'bench.md'), text));
  console.log(text);
  process.exit(0);
}
const quick = values.quick!;
const wanted = new Set(values.sections!.split(','));
for (const s of wanted) if (!(SECTIONS as readonly string[]).includes(s)) cli.fail(`Unknown section '${s}'. Sections: ${SECTIONS.join(', ')}`);
// The output folder takes files (or the bench fails now, with exit code 5, not after its runs).
await prepareOutputFolder(values.out!);

/** The sizes of a full run and of --quick (for CI: each section, smaller). */
const PLAN = quick
  ? {
      pageWindowMs: 10_000,
      methods: [
        { backend: 'wasm', warmup: 1, steps: 1, profiled: 1, evaluate: 'first' },
        { backend: 'webgpu', warmup: 1, steps: 1, profiled: 1, evaluate: 'none', methods: ['sft'] },
      ] as MethodsPlan[],
      scaling: { backend: 'wasm' as const, warmup: 1, steps: 1, methods: ['gkd' as const] },
      sampling: [{ backend: 'wasm' as const, repeats: 1 }],
      memory: [{ backend: 'wasm' as const, first: 20, last: 200, evalEvery: 20 }],
      peer: { pairs: 1, steps: 2, warmup: 1, settleSeconds: 1 },
      dispatches: { warmup: 1, steps: 1, submitBatches: { sizes: [], cases: [], steps: 1 } },
    }
  : {
      pageWindowMs: 30_000,
      methods: [
        { backend: 'cpu', warmup: 1, steps: 1, profiled: 1, evaluate: 'all' },
        { backend: 'wasm', warmup: 1, steps: 3, profiled: 2, evaluate: 'all' },
        { backend: 'webgpu', warmup: 1, steps: 0, profiled: 1, evaluate: 'first' },
      ] as MethodsPlan[],
      scaling: { backend: 'wasm' as const, warmup: 1, steps: 2, methods: ['ammd' as const, 'gkd' as const] },
      sampling: [
        { backend: 'cpu' as const, repeats: 2 },
        { backend: 'wasm' as const, repeats: 3 },
        { backend: 'webgpu' as const, repeats: 1 },
      ],
      memory: [
        { backend: 'wasm' as const, first: 100, last: 1000, evalEvery: 50 },
        { backend: 'webgpu' as const, first: 4, last: 16, evalEvery: 4 },
      ],
      peer: { pairs: 3, steps: 6, warmup: 2, settleSeconds: 3 },
      dispatches: { warmup: 2, steps: 2, submitBatches: { sizes: [15, 32, 64, 128], cases: ['gkd-dataset', 'ammd'], steps: 2 } },
    };

const log = (s: string) => console.error(`[${new Date().toISOString().slice(11, 19)} load ${load()}] ${s}`);
const commit = (() => {
  try {
    return execSync('git rev-parse --short HEAD', { cwd: REPO_ROOT, encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
})();
const started = performance.now();
const result: BenchResult = {
  meta: {
    date: new Date().toISOString(),
    commit,
    mode: quick ? 'quick' : 'full',
    node: process.version,
    cpus: cpus().length,
    loadAtStart: load(),
    loadAtEnd: 0,
    seconds: 0,
    notes: [],
  },
};
const notes = result.meta.notes;
notes.push(
  quick
    ? 'Quick mode: methods on wasm (1 step each) and sft on webgpu; scaling of gkd on wasm; sampling on wasm; memory on wasm over 20 → 200 steps; the page for 10 s per run.'
    : 'Full mode. cpu per method: 1 warm-up, 1 timed, 1 profiled step and one evaluation (after a first one). webgpu per method: 1 warm-up step and 1 profiled step (its ms/step is prepare + studentStep, synced), and one evaluation timed on the first method (sft) and shared by the others: SwiftShader costs several ms per kernel, too slow for more steps within the time budget. Memory on webgpu from the first step where every code path has run (≥ 4) to step 16, for the same reason; the 100 → 1,000 step check runs on wasm. Scaling runs on wasm (the fastest backend here, compute-bound like a GPU would be).',
);

// --merge: the saved report stays the base; the sections measured now replace theirs.
const base = values.merge ? (JSON.parse(readFileSync(join(values.out!, 'bench.json'), 'utf8')) as BenchResult) : null;
const merged = (): BenchResult => {
  if (!base) return result;
  const names = [...wanted].join(', ');
  const note = `The ${names} section${wanted.size > 1 ? 's are' : ' is'} from a separate run, \`npm run bench -- --sections ${[...wanted].join(',')} --merge\` at commit ${commit} (${result.meta.date}, load average ${result.meta.loadAtStart} at its start, ${(result.meta.seconds / 60).toFixed(1)} min).`;
  const fresh = Object.fromEntries([...wanted].filter((k) => k in result).map((k) => [k, result[k as keyof BenchResult]]));
  const kept = base.meta.notes.filter((n) => !n.startsWith(`The ${names} section`));
  return { ...base, ...fresh, meta: { ...base.meta, notes: [...kept, note] } };
};

const save = () => {
  result.meta.loadAtEnd = load();
  result.meta.seconds = (performance.now() - started) / 1000;
  writingOutput(values.out!, () => writeFileSync(join(values.out!, 'bench.json'), JSON.stringify(merged(), null, 1) + '\n'));
};

try {
  if (wanted.has('page')) {
    log('page');
    result.page = await benchPage(PLAN.pageWindowMs, log);
    save();
  }
  if (wanted.has('methods')) {
    log('methods');
    result.methods = await benchMethods(PLAN.methods, undefined, log);
    save();
  }
  if (wanted.has('sampling')) {
    result.sampling = [];
    for (const s of PLAN.sampling) result.sampling.push(await benchSampling(s.backend, s.repeats, 32, log));
    save();
  }
  if (wanted.has('scaling')) {
    const s = PLAN.scaling;
    result.scaling = [await benchScaling(s.backend, s.warmup, s.steps, [...s.methods], log)];
    save();
  }
  if (wanted.has('memory')) {
    result.memory = [];
    for (const m of PLAN.memory) result.memory.push(await benchMemory(m.backend, m.first, m.last, m.evalEvery, log));
    save();
  }
  if (wanted.has('peer')) {
    log('peer');
    result.peer = await benchPeer(PLAN.peer, log);
    save();
  }
  if (wanted.has('dispatches')) {
    log('dispatches');
    result.dispatches = await benchDispatches(PLAN.dispatches, log);
    save();
  }
} finally {
  save();
  teardownBackends();
}
const md = renderMarkdown(merged());
writingOutput(values.out!, () => writeFileSync(join(values.out!, 'bench.md'), md));
console.log(md);
process.exit(0);
