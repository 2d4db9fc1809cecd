// Section "Peer": the same training steps (stepCases.ts) on wasm and in eager PyTorch on one
// thread (peer_torch.py), in paired runs that alternate which goes first, each in a fresh
// process. Ratios per method are medians of the per-pair ratios, in CPU time (robust to other
// load on a shared machine) and wall time, once settled (after a few seconds of steps, as in
// any real session) and in the first steps of the process (where V8 is still compiling in
// background threads).
// Two PyTorch builds are peers: PyPI's (what a researcher installs: MKL; the one in
// recipes/.venv, which `npm run test:recipes` creates) and Debian's python3-torch at
// /usr/bin/python3 (reference BLAS by default; once more with OpenBLAS preloaded when Debian's
// OpenBLAS is installed). The target is against PyPI's. The section names any peer it could not run.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../nodeModel';
import { load } from './env';
import { STEP_CASES, type CaseTiming } from './stepCases';
import { round } from './stats';

const DEBIAN_PYTHON = '/usr/bin/python3';
const PYPI_PYTHON = join(REPO_ROOT, 'recipes', '.venv', 'bin', 'python');
const SCRIPT = join(REPO_ROOT, 'src', 'cli', 'bench', 'peer_torch.py');
/** Where Debian's libopenblas0-pthread puts its BLAS; ALEMBIC_OPENBLAS_DIR may name another. */
const OPENBLAS_DIRS = [process.env.ALEMBIC_OPENBLAS_DIR, '/usr/lib/x86_64-linux-gnu/openblas-pthread'].filter((d): d is string => !!d);

interface TorchRun {
  torch: string;
  threads: number;
  buildBlas: string;
  blas: string;
  blasLibraries: string[];
  rows: Array<{ id: string; msPerStep: number; cpuMsPerStep: number; cold: { msPerStep: number; cpuMsPerStep: number } }>;
}

export interface PeerRow {
  id: string;
  wasmMs: number;
  wasmCpuMs: number;
  kernelsPerStep: number;
  matMulFlopsPerStep: number;
  /** wasm wall and CPU ms per step in the first steps of the process (medians over the pairs). */
  wasmColdMs: number;
  wasmColdCpuMs: number;
  /** Per peer (default BLAS, OpenBLAS): medians over the pairs; `cold…` from the first steps. */
  peers: Array<{
    /** Which build: 'pypi' or 'debian'. */
    source: PeerSource;
    blas: string;
    ms: number;
    cpuMs: number;
    cpuRatio: number;
    wallRatio: number;
    cpuRatios: number[];
    coldCpuRatio: number;
    coldCpuRatios: number[];
  }>;
}

export interface PeerSection {
  available: boolean;
  reason?: string;
  peers: Array<{ source: PeerSource; label: string; blas: string; libraries: string[]; env: string }>;
  /** Peers that could not run, and why. */
  missing: string[];
  pairs: number;
  steps: number;
  warmup: number;
  settleSeconds: number;
  rows: PeerRow[];
  load: number;
}

function run(cmd: string, args: string[], env: Record<string, string> = {}): string {
  const r = spawnSync(cmd, args, { cwd: REPO_ROOT, encoding: 'utf8', env: { ...process.env, ...env }, maxBuffer: 1 << 24 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${(r.stderr || r.error?.message || '').trim().split('\n').slice(-3).join(' / ')}`);
  return r.stdout.trim().split('\n').pop() ?? '';
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? (s[(s.length - 1) >> 1] + s[s.length >> 1]) / 2 : NaN;
};

export interface PeerPlan {
  pairs: number;
  steps: number;
  warmup: number;
  settleSeconds: number;
}

export type PeerSource = 'pypi' | 'debian';

interface PeerSpec {
  source: PeerSource;
  label: string;
  python: string;
  env: Record<string, string>;
}

/** The peers this machine can run, and why the others cannot. */
function findPeers(): { peers: PeerSpec[]; missing: string[] } {
  const peers: PeerSpec[] = [];
  const missing: string[] = [];
  const hasTorch = (python: string) => existsSync(python) && spawnSync(python, ['-c', 'import torch'], { encoding: 'utf8' }).status === 0;
  const oneThread = { OMP_NUM_THREADS: '1', MKL_NUM_THREADS: '1' };
  if (hasTorch(PYPI_PYTHON)) peers.push({ source: 'pypi', label: "PyPI's torch", python: PYPI_PYTHON, env: oneThread });
  else missing.push(`PyPI's torch: ${PYPI_PYTHON} cannot import torch (npm run test:recipes creates that environment)`);
  if (hasTorch(DEBIAN_PYTHON)) {
    peers.push({ source: 'debian', label: "Debian's torch", python: DEBIAN_PYTHON, env: oneThread });
    const openblas = OPENBLAS_DIRS.find((d) => existsSync(join(d, 'libblas.so.3')));
    if (openblas)
      peers.push({
        source: 'debian',
        label: "Debian's torch",
        python: DEBIAN_PYTHON,
        env: { ...oneThread, LD_LIBRARY_PATH: openblas, OPENBLAS_NUM_THREADS: '1' },
      });
  } else missing.push(`Debian's torch: ${DEBIAN_PYTHON} cannot import torch (apt-get install -y python3-torch)`);
  return { peers, missing };
}

export async function benchPeer(plan: PeerPlan, log: (s: string) => void = () => {}): Promise<PeerSection> {
  const { pairs, steps, warmup, settleSeconds } = plan;
  const { peers: specs, missing } = findPeers();
  const section: PeerSection = { available: false, peers: [], missing, pairs, steps, warmup, settleSeconds, rows: [], load: load() };
  for (const m of missing) log(`peer: not run: ${m}`);
  if (!specs.length) {
    section.reason = `PyTorch not found: ${missing.join('; ')}. No peer comparison in this run.`;
    return section;
  }
  section.available = true;
  const peerEnvs = specs.map((p) => p.env);
  const ids = STEP_CASES.map((c) => c.id).join(',');
  const common = ['--cases', ids, '--steps', String(steps), '--warmup', String(warmup), '--settle-seconds', String(settleSeconds)];
  const wasmRuns: CaseTiming[][] = [];
  const torchRuns: TorchRun[][] = peerEnvs.map(() => []);
  for (let i = 0; i < pairs; i++) {
    const wasm = () => wasmRuns.push(JSON.parse(run(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'src', 'cli', 'benchStep.ts'), ...common])));
    const torch = () => specs.forEach((p, k) => torchRuns[k].push(JSON.parse(run(p.python, [SCRIPT, ...common, '--threads', '1'], p.env))));
    // Alternate which side goes first, so a drift in the machine's load favours neither.
    if (i % 2 === 0) {
      wasm();
      torch();
    } else {
      torch();
      wasm();
    }
    log(`peer: pair ${i + 1}/${pairs} done, load ${load()}`);
  }
  section.peers = torchRuns.map((runs, k) => ({
    source: specs[k].source,
    label: `${specs[k].label} ${runs[0].torch}`,
    blas: runs[0].blas,
    libraries: runs[0].blasLibraries,
    env: Object.entries(peerEnvs[k])
      .map(([a, b]) => `${a}=${b}`)
      .join(' '),
  }));
  for (const c of STEP_CASES) {
    const w = wasmRuns.map((r) => r.find((x) => x.id === c.id)!);
    section.rows.push({
      id: c.id,
      wasmMs: median(w.map((x) => x.msPerStep)),
      wasmCpuMs: median(w.map((x) => x.cpuMsPerStep)),
      wasmColdMs: median(w.map((x) => x.cold.msPerStep)),
      wasmColdCpuMs: median(w.map((x) => x.cold.cpuMsPerStep)),
      kernelsPerStep: w[0].kernelsPerStep,
      matMulFlopsPerStep: w[0].matMulFlopsPerStep,
      peers: torchRuns.map((runs, k) => {
        const t = runs.map((r) => r.rows.find((x) => x.id === c.id)!);
        const cpuRatios = w.map((x, i) => x.cpuMsPerStep / t[i].cpuMsPerStep);
        const coldCpuRatios = w.map((x, i) => x.cold.cpuMsPerStep / t[i].cold.cpuMsPerStep);
        return {
          source: specs[k].source,
          blas: runs[0].blas,
          ms: median(t.map((x) => x.msPerStep)),
          cpuMs: median(t.map((x) => x.cpuMsPerStep)),
          cpuRatio: median(cpuRatios),
          wallRatio: median(w.map((x, i) => x.msPerStep / t[i].msPerStep)),
          cpuRatios,
          coldCpuRatio: median(coldCpuRatios),
          coldCpuRatios,
        };
      }),
    });
  }
  section.load = load();
  return section;
}

/** A peer's column heading: which build and which BLAS ("PyPI's torch 2.15.0 · MKL"). */
export const peerHeading = (p: { label: string; blas: string }) => `${p.label} · ${p.blas}`;

export function renderPeer(s: PeerSection): string[] {
  const out: string[] = ['', '## Peer: the same step in eager PyTorch, one thread', ''];
  if (!s.available) {
    out.push(`**Not measured.** ${s.reason}`);
    return out;
  }
  const f = (x: number, d = 2) => round(x, d);
  out.push(
    `Two PyTorch builds, each at one thread, against wasm in Node (one thread): PyPI's torch (what a researcher installs; MKL; the target is against it) and Debian's python3-torch (reference BLAS, and OpenBLAS where installed: a weaker peer). The steps: batch 32, context 16, the shipped addition teacher (d64×3×4), a d32×1×2 student; GKD (β = 0.5, JSD) on the student's samples (λ = 1) and on the dataset (λ = 0), AMMD at its defaults (K = 2). ${s.pairs} pair(s) of fresh processes alternating which goes first. Each case runs ${s.warmup} warm-up steps, a first window of ${s.steps} timed steps, more steps until ${s.settleSeconds} s have passed, then the settled window of ${s.steps} steps; both sides are timed the same way. Ratios are medians of the per-pair ratios. CPU time is the process's user + system time, far less sensitive than wall time to other jobs on the machine. GFLOP/s counts the matrix products only (2·m·k·n, as counted on wasm) over CPU time. Load average ${s.load} at the end.`,
    '',
    `The settled window is what a session sees after its first seconds. In the first window V8 is still optimising tfjs's JavaScript on background threads, so wasm's CPU time runs well above its wall time there (the column "wasm CPU ÷ wall"); run with that compilation on the main thread (node --no-concurrent-recompilation), CPU time equals wall time and the first steps are slower instead.`,
  );
  for (const p of s.peers)
    out.push(`- peer "${peerHeading(p)}": ${p.libraries.join(', ') || 'BLAS linked into the library'}${p.env ? ` (run with ${p.env})` : ''}`);
  for (const m of s.missing ?? []) out.push(`- not run: ${m}`);
  out.push('');
  const heads = s.peers.map(peerHeading);
  const cols = (fn: (h: string) => string) => heads.map(fn).join(' | ');
  out.push(
    `| step | kernels/step (wasm) | MFLOP/step | wasm CPU ms | wasm CPU ÷ wall (first steps; settled) | ${cols((h) => `${h} CPU ms`)} | ${cols((h) => `wasm / ${h}, settled (CPU; wall)`)} | ${cols((h) => `wasm / ${h}, first steps (CPU)`)} | GFLOP/s wasm | ${cols((h) => `GFLOP/s ${h}`)} |`,
  );
  out.push(`| --- | --- | --- | --- | --- | ${cols(() => '---')} | ${cols(() => '---')} | ${cols(() => '---')} | --- | ${cols(() => '---')} |`);
  for (const r of s.rows) {
    const gf = (ms: number) => f(r.matMulFlopsPerStep / (ms * 1e6));
    const pairs = (xs: number[]) => `pairs ${xs.map((x) => f(x)).join(', ')}`;
    out.push(
      `| ${r.id} | ${f(r.kernelsPerStep, 0)} | ${f(r.matMulFlopsPerStep / 1e6, 1)} | ${f(r.wasmCpuMs, 1)} | ${f(r.wasmColdCpuMs / r.wasmColdMs)}; ${f(r.wasmCpuMs / r.wasmMs)} | ${r.peers.map((p) => f(p.cpuMs, 1)).join(' | ')} | ${r.peers.map((p) => `${f(p.cpuRatio)}× (${pairs(p.cpuRatios)}); ${f(p.wallRatio)}×`).join(' | ')} | ${r.peers.map((p) => `${f(p.coldCpuRatio)}× (${pairs(p.coldCpuRatios)})`).join(' | ')} | ${gf(r.wasmCpuMs)} | ${r.peers.map((p) => gf(p.cpuMs)).join(' | ')} |`,
    );
  }
  return out;
}
