// Pure helpers of the benchmark report (no TensorFlow.js): percentiles, gzip sizes, the growth
// check of sampling, and how far a measured value misses its target.
import { gzipSync } from 'node:zlib';

/** The p-th percentile (0–100) by linear interpolation between order statistics (Hyndman–Fan type 7). */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (Math.min(100, Math.max(0, p)) / 100) * (sorted.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (rank - lo);
}

export function mean(values: readonly number[]): number {
  return values.length ? values.reduce((a, b) => a + b, 0) / values.length : NaN;
}

/** Successive differences of increasing timestamps (frame gaps). */
export function gaps(timestamps: readonly number[]): number[] {
  const out: number[] = [];
  for (let i = 1; i < timestamps.length; i++) out.push(timestamps[i] - timestamps[i - 1]);
  return out;
}

/** Bytes of `data` after gzip at the default level, as a server would send it. */
export function gzipSize(data: string | Uint8Array): number {
  return gzipSync(typeof data === 'string' ? Buffer.from(data, 'utf8') : data).length;
}

/** The relative JavaScript paths a chunk imports statically (`import … from "./x.js"`, `import "./x.js"`), not `import("…")`. */
export function staticImports(code: string): string[] {
  const found = new Set<string>();
  const re = /(?:^|[;\n}\s])(?:import|export)\s*(?:[\w*{}\s,$]+?\s*from\s*)?["']([^"']+\.js)["']/g;
  for (let m = re.exec(code); m; m = re.exec(code)) found.add(m[1]);
  return [...found];
}

export interface TargetCheck {
  met: boolean;
  /** e.g. "missed by 0.42 (28%)"; empty when met. */
  note: string;
}

/** value ≤ target (kind 'max') or value ≥ target ('min'); says by how much a miss is. */
export function checkTarget(value: number, target: number, kind: 'max' | 'min' = 'max', unit = ''): TargetCheck {
  const met = kind === 'max' ? value <= target : value >= target;
  if (met) return { met, note: '' };
  const by = Math.abs(value - target);
  const rel = target !== 0 ? ` (${((100 * by) / Math.abs(target)).toFixed(0)}% over the target)` : '';
  return { met, note: `missed by ${round(by)}${unit}${rel}` };
}

/** Per-token cost at the long length over that at the short length; the target is ≤ 1.5. */
export function perTokenGrowth(msPerTokenShort: number, msPerTokenLong: number): number {
  return msPerTokenLong / msPerTokenShort;
}

/** A counter is flat when the later value does not exceed the earlier one (plus a tolerance). */
export function isFlat(earlier: number, later: number, tolerance = 0): boolean {
  return later <= earlier + tolerance;
}

export function round(x: number, digits = 2): string {
  if (!Number.isFinite(x)) return String(x);
  const a = Math.abs(x);
  return a >= 100 ? x.toFixed(0) : a >= 10 ? x.toFixed(1) : x.toFixed(digits);
}
