// A plain SVG line chart (no chart library): one panel per metric, one polyline per arm
// through its mean curve, a light band for ± 1 sd, linear axes with a few round ticks.

export interface Series {
  label: string;
  /** x (step) and mean and sd at that x. */
  points: Array<{ x: number; mean: number; sd: number }>;
}

export interface Panel {
  title: string;
  series: Series[];
}

const PALETTE = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf', '#7f7f7f', '#bcbd22', '#393b79', '#637939'];

/** Round tick values covering [lo, hi]: steps of 1, 2 or 5 × 10^k, about `count` of them. */
export function niceTicks(lo: number, hi: number, count = 5): number[] {
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return [];
  if (hi === lo) return [lo];
  const raw = (hi - lo) / Math.max(1, count);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const first = Math.ceil(lo / step - 1e-9) * step;
  const out: number[] = [];
  for (let v = first; v <= hi + step * 1e-9; v += step) out.push(Number(v.toPrecision(12)));
  return out;
}

/** Map v in [d0, d1] linearly onto [r0, r1] (the midpoint when the domain is empty). */
export function scale(v: number, d0: number, d1: number, r0: number, r1: number): number {
  if (d1 === d0) return (r0 + r1) / 2;
  return r0 + ((v - d0) / (d1 - d0)) * (r1 - r0);
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const n2 = (v: number) => (Math.round(v * 10) / 10).toString();

/** Panels side by side (wrapping after `columns`), one shared legend underneath. */
export function lineChart(panels: Panel[], opts: { title: string; columns?: number } = { title: '' }): string {
  const columns = Math.min(opts.columns ?? 3, Math.max(1, panels.length));
  const W = 320;
  const H = 220;
  const m = { l: 52, r: 12, t: 26, b: 30 };
  const rows = Math.ceil(panels.length / columns);
  const labels = [...new Set(panels.flatMap((p) => p.series.map((s) => s.label)))];
  const legendRows = Math.ceil(labels.length / 3);
  const width = columns * W;
  const height = 30 + rows * H + legendRows * 18 + 10;
  const color = (label: string) => PALETTE[labels.indexOf(label) % PALETTE.length];
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11">`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
    `<text x="${width / 2}" y="18" text-anchor="middle" font-size="14">${esc(opts.title)}</text>`,
  ];
  panels.forEach((panel, i) => {
    const ox = (i % columns) * W;
    const oy = 30 + Math.floor(i / columns) * H;
    const pts = panel.series.flatMap((s) => s.points).filter((p) => Number.isFinite(p.mean));
    const xs = pts.map((p) => p.x);
    const ys = pts.flatMap((p) => [p.mean - (Number.isFinite(p.sd) ? p.sd : 0), p.mean + (Number.isFinite(p.sd) ? p.sd : 0)]);
    const x0 = xs.length ? Math.min(...xs) : 0;
    const x1 = xs.length ? Math.max(...xs) : 1;
    let y0 = ys.length ? Math.min(...ys) : 0;
    let y1 = ys.length ? Math.max(...ys) : 1;
    if (y0 === y1) [y0, y1] = [y0 - 1, y1 + 1];
    const px = (x: number) => ox + scale(x, x0, x1, m.l, W - m.r);
    const py = (y: number) => oy + scale(y, y0, y1, H - m.b, m.t);
    parts.push(`<text x="${ox + W / 2}" y="${oy + 14}" text-anchor="middle" font-size="12">${esc(panel.title)}</text>`);
    parts.push(`<rect x="${ox + m.l}" y="${oy + m.t}" width="${W - m.l - m.r}" height="${H - m.t - m.b}" fill="none" stroke="#999"/>`);
    for (const t of niceTicks(y0, y1, 4)) {
      parts.push(`<line x1="${ox + m.l}" x2="${ox + W - m.r}" y1="${n2(py(t))}" y2="${n2(py(t))}" stroke="#eee"/>`);
      parts.push(`<text x="${ox + m.l - 4}" y="${n2(py(t) + 4)}" text-anchor="end">${t}</text>`);
    }
    for (const t of niceTicks(x0, x1, 4)) {
      parts.push(`<text x="${n2(px(t))}" y="${oy + H - m.b + 14}" text-anchor="middle">${t}</text>`);
    }
    parts.push(`<text x="${ox + W / 2}" y="${oy + H - 4}" text-anchor="middle" fill="#555">step</text>`);
    for (const s of panel.series) {
      const ok = s.points.filter((p) => Number.isFinite(p.mean));
      if (ok.length === 0) continue;
      const sd = (p: { sd: number }) => (Number.isFinite(p.sd) ? p.sd : 0);
      const upper = ok.map((p) => `${n2(px(p.x))},${n2(py(p.mean + sd(p)))}`);
      const lower = ok.map((p) => `${n2(px(p.x))},${n2(py(p.mean - sd(p)))}`).reverse();
      parts.push(`<polygon points="${[...upper, ...lower].join(' ')}" fill="${color(s.label)}" fill-opacity="0.12" stroke="none"/>`);
      parts.push(
        `<polyline points="${ok.map((p) => `${n2(px(p.x))},${n2(py(p.mean))}`).join(' ')}" fill="none" stroke="${color(s.label)}" stroke-width="1.8"/>`,
      );
    }
  });
  const ly = 30 + rows * H + 4;
  labels.forEach((label, i) => {
    const x = (i % 3) * (width / 3) + 10;
    const y = ly + Math.floor(i / 3) * 18;
    parts.push(`<line x1="${x}" x2="${x + 22}" y1="${y + 6}" y2="${y + 6}" stroke="${color(label)}" stroke-width="2.5"/>`);
    parts.push(`<text x="${x + 28}" y="${y + 10}">${esc(label)}</text>`);
  });
  parts.push('</svg>');
  return parts.join('\n') + '\n';
}
