// Summary statistics of a study's seeds: mean and sample standard deviation (n − 1), and the
// "mean ± sd" text the pages print. Plain arithmetic, no TensorFlow.js.

export function mean(xs: readonly number[]): number {
  if (xs.length === 0) return NaN;
  return xs.reduce((a, b) => a + b, 0) / xs.length;
}

/** Sample standard deviation (Bessel's n − 1); 0 for a single value, NaN for none. */
export function sampleSd(xs: readonly number[]): number {
  if (xs.length === 0) return NaN;
  if (xs.length === 1) return 0;
  const m = mean(xs);
  return Math.sqrt(xs.reduce((a, x) => a + (x - m) * (x - m), 0) / (xs.length - 1));
}

export interface Summary {
  mean: number;
  sd: number;
  n: number;
}

/** Mean and sd of the finite values only (a halted run leaves nulls). */
export function summarize(values: ReadonlyArray<number | null | undefined>): Summary {
  const xs = values.filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
  return { mean: mean(xs), sd: sampleSd(xs), n: xs.length };
}

/** Decimals that keep small and large metrics readable in one table: 3 below 10, 1 below 100, else 0. */
export function decimalsFor(x: number, digits = 3): number {
  const a = Math.abs(x);
  if (a >= 100) return 0;
  if (a >= 10) return Math.max(0, digits - 2);
  return digits;
}

export function fmt(x: number, digits = 3): string {
  if (!Number.isFinite(x)) return '–';
  return x.toFixed(decimalsFor(x, digits));
}

/** "m ± sd", both to the mean's decimals (with "(n=k)" when fewer values than expected). */
export function formatSummary(s: Summary, expected?: number, digits = 3): string {
  if (s.n === 0) return 'not run';
  const d = decimalsFor(s.mean, digits);
  const text = `${s.mean.toFixed(d)} ± ${Number.isFinite(s.sd) ? s.sd.toFixed(d) : '–'}`;
  return expected !== undefined && s.n < expected ? `${text} (n=${s.n})` : text;
}

/**
 * Whether mean a is clearly below mean b: the gap exceeds the sum of both standard deviations
 * (the ±1 sd bands do not overlap). A deliberately plain rule, stated on every page.
 */
export function clearlyBelow(a: Summary, b: Summary): boolean {
  return a.n > 0 && b.n > 0 && a.mean + a.sd < b.mean - b.sd;
}
