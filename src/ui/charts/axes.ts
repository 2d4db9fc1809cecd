// Axis arithmetic the charts share: a log axis spans whole decades (so its top carries a label)
// and is ticked only at decades, at most a handful of them, so labels never pile up.

/** The whole decades around [min, max] (both > 0): 0.03…0.4 → [0.01, 1]. */
export function decadeRange(min: number, max: number): [number, number] {
  if (!(min > 0) || !(max > 0)) return [0.1, 1];
  let lo = Math.floor(Math.log10(min) + 1e-9);
  let hi = Math.ceil(Math.log10(max) - 1e-9);
  if (hi <= lo) hi = lo + 1;
  // Never more than 12 decades: a stray tiny value would flatten everything else.
  if (hi - lo > 12) lo = hi - 12;
  return [10 ** lo, 10 ** hi];
}

/** Decade ticks from lo to hi (both powers of ten), thinned to at most `most` (ends kept). */
export function decadeTicks(lo: number, hi: number, most = 6): number[] {
  const a = Math.round(Math.log10(lo));
  const b = Math.round(Math.log10(hi));
  const every = Math.max(1, Math.ceil((b - a) / (most - 1)));
  const ticks: number[] = [];
  for (let e = b; e >= a; e -= every) ticks.unshift(10 ** e);
  return ticks;
}

/** A tick label short enough to sit beside the axis: 0.001, 1, 100, 1e-5, 1e6, 2.5 (`digits` significant). */
export function tickLabel(v: number, digits = 3): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e5 || a < 1e-3) {
    const [m, e] = v.toExponential().split('e');
    const mant = Number(Number(m).toPrecision(Math.max(2, digits - 1)));
    return `${mant}e${Number(e)}`;
  }
  return String(Number(v.toPrecision(digits)));
}

/**
 * An axis's tick labels, with as many significant digits as it takes for neighbouring ticks to
 * read differently (a narrow range around 2.34 is 2.335, 2.34, 2.345, not 2.34 three times).
 */
export function tickLabels(ticks: ReadonlyArray<number | null>): string[] {
  for (let digits = 3; ; digits++) {
    const labels = ticks.map((v) => (v === null ? '' : tickLabel(v, digits)));
    const shown = labels.filter(Boolean);
    if (new Set(shown).size === shown.length || digits >= 10) return labels;
  }
}

/** Values on hover and in the text alternative: 4 significant digits. */
export function valueLabel(v: number): string {
  const a = Math.abs(v);
  if (v !== 0 && (a >= 1e5 || a < 1e-3)) return v.toExponential(2);
  return String(Number(v.toPrecision(4)));
}
