// The plot itself: uPlot on a canvas. Rebuilt only when what is drawn changes shape (series,
// scale, axes); a live update is one setData. Log axes span whole decades and are ticked at
// decades; values a log axis cannot show are shaded bands; marks, the reference line and the
// hover readout are drawn in uPlot's hooks, so nothing here re-renders React on a data update.
import { useContext, useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { LogGap, SeriesDef } from './series';
import type { BandDef } from '../lesson/expectedBands';
import { decadeRange, decadeTicks, tickLabels, valueLabel } from './axes';
import { ChartTextContext } from './chartText';

export interface PlotMark {
  step: number;
  kind: 'live' | 'restart';
  text: string;
}

interface Props {
  series: SeriesDef[];
  /** Drawn under the lines; their lo/hi columns follow the series' in `data`. */
  bands: BandDef[];
  data: uPlot.AlignedData;
  gaps: LogGap[];
  log: boolean;
  yDomain?: [number, number];
  yLabel: string;
  rightLabel?: string;
  reference: { y: number; label: string } | null;
  marks: readonly PlotMark[];
  /** The x axis spans at least 0…xMax, or null. */
  xMax: number | null;
}

const font = (px: number) => `${px}px system-ui, sans-serif`;
const labelFont = (px: number) => `600 ${px}px system-ui, sans-serif`;
const INK = '#3d4452';
const GRID = { stroke: '#e6e3dc', width: 1, dash: [2, 4] };
const X_INCRS = [1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 2500, 5000, 10_000, 20_000, 25_000, 50_000, 100_000];

// Every scale gets a range even without data (an axis of an empty scale breaks uPlot's draw).
function scale(log: boolean, domain?: [number, number]): uPlot.Scale {
  if (log) return { distr: 3, log: 10, range: (_u, min, max) => decadeRange(min, max) };
  if (domain) return { range: () => domain };
  return {
    range: (_u, min, max) => (min === null || max === null || !Number.isFinite(min) || !Number.isFinite(max) ? [0, 1] : uPlot.rangeNum(min, max, 0.1, true)),
  };
}

/** Steps from 0 to at least `xMax` when given (a lesson's checkpoint), else what the data spans. */
function xScale(xMax: number | null): uPlot.Scale {
  if (xMax === null) return { time: false };
  return { time: false, range: (_u, _min, max) => [0, Math.max(xMax, max ?? 0)] };
}

function axis(label: string, scaleKey: string, log: boolean, px: number, side?: 1): uPlot.Axis {
  return {
    scale: scaleKey,
    side: side ?? 3,
    label,
    labelFont: labelFont(px),
    labelSize: px + 5,
    font: font(px),
    stroke: INK,
    // Room for ticks such as "0.001" at this size.
    size: Math.round((46 * px) / 11),
    grid: side ? { show: false } : GRID,
    ticks: { stroke: '#c9c4b8', width: 1, size: 4 },
    values: (_u, splits) => tickLabels(splits),
    ...(log ? { splits: (_u: uPlot, _i: number, min: number, max: number) => decadeTicks(min, max) } : {}),
  };
}

/** A series of one or two points is invisible as a line: show its points as dots. */
function fewPoints(u: uPlot, si: number, i0: number, i1: number): boolean {
  const d = u.data[si];
  let n = 0;
  for (let i = i0; i <= i1 && n < 3; i++) if (d[i] !== null && d[i] !== undefined) n++;
  return n <= 2;
}

function options(p: Props, width: number, height: number, hooks: uPlot.Hooks.Arrays, px: number): uPlot.Options {
  const right = p.series.some((s) => s.right);
  return {
    width,
    height,
    legend: { show: false },
    cursor: { drag: { x: false, y: false, setScale: false }, points: { size: 6 } },
    scales: { x: xScale(p.xMax), y: scale(p.log, p.yDomain), ...(right ? { y2: scale(p.log) } : {}) },
    axes: [
      {
        label: 'training step',
        labelFont: labelFont(px),
        labelSize: px + 5,
        font: font(px),
        stroke: INK,
        size: Math.round((34 * px) / 11),
        grid: GRID,
        ticks: { stroke: '#c9c4b8', width: 1, size: 4 },
        incrs: X_INCRS,
        values: (_u, splits) => tickLabels(splits),
      },
      axis(p.yLabel, 'y', p.log, px),
      ...(right ? [axis(p.rightLabel ?? '', 'y2', p.log, px, 1)] : []),
    ],
    series: [
      { label: 'step' },
      ...p.series.map((s): uPlot.Series => ({
        label: s.label,
        scale: s.right ? 'y2' : 'y',
        stroke: s.color,
        width: s.ghost ? 1.25 : 2,
        alpha: s.ghost ? 0.5 : 1,
        dash: s.dash,
        points: { show: fewPoints, size: 6 },
        spanGaps: false,
      })),
      // Each band's lo and hi: invisible series, so the y range includes the band.
      ...p.bands.flatMap((): uPlot.Series[] => [0, 1].map(() => ({ stroke: 'transparent', width: 0, points: { show: false }, spanGaps: true }))),
    ],
    hooks,
  };
}

/** What the hooks draw, read at draw time (props change without rebuilding the plot). */
interface Overlay {
  gaps: LogGap[];
  bands: BandDef[];
  marks: readonly PlotMark[];
  reference: Props['reference'];
  series: SeriesDef[];
  /** Canvas text size, CSS px. */
  px: number;
}

function drawBands(u: uPlot, o: Overlay) {
  const { ctx } = u;
  const { top, height } = u.bbox;
  ctx.save();
  // A lesson's expected bands (mean ± 1 sd, filled faintly in the student's colour, outlined)
  // and the score's sampling bands (fainter, no outline).
  for (const b of o.bands) {
    if (b.points.length < 1) continue;
    ctx.beginPath();
    b.points.forEach((p, i) => (i ? ctx.lineTo : ctx.moveTo).call(ctx, u.valToPos(p.x, 'x', true), u.valToPos(p.hi, 'y', true)));
    for (let i = b.points.length - 1; i >= 0; i--) ctx.lineTo(u.valToPos(b.points[i].x, 'x', true), u.valToPos(b.points[i].lo, 'y', true));
    ctx.closePath();
    ctx.globalAlpha = b.faint ? 0.1 : 0.16;
    ctx.fillStyle = b.color;
    ctx.fill();
    ctx.globalAlpha = b.faint ? 0 : 0.45;
    ctx.setLineDash([3 * uPlot.pxRatio, 3 * uPlot.pxRatio]);
    ctx.strokeStyle = b.color;
    ctx.stroke();
    ctx.globalAlpha = 1;
    ctx.setLineDash([]);
  }
  ctx.fillStyle = 'rgba(180, 86, 26, 0.13)';
  for (const g of o.gaps) {
    for (const [a, b] of g.ranges) {
      const x0 = u.valToPos(a, 'x', true) - 3 * uPlot.pxRatio;
      const x1 = u.valToPos(b, 'x', true) + 3 * uPlot.pxRatio;
      ctx.fillRect(x0, top, Math.max(x1 - x0, 6 * uPlot.pxRatio), height);
    }
  }
  ctx.restore();
}

function drawOverlay(u: uPlot, o: Overlay) {
  const { ctx } = u;
  const pr = uPlot.pxRatio;
  const { left, top, width, height } = u.bbox;
  ctx.save();
  const line = (o.px + 2) * pr;
  ctx.font = font(o.px * pr);
  ctx.textBaseline = 'top';
  if (o.reference) {
    const y = u.valToPos(o.reference.y, 'y', true);
    if (y >= top - 1 && y <= top + height + 1) {
      ctx.strokeStyle = '#4a4f59';
      ctx.setLineDash([4 * pr, 4 * pr]);
      ctx.lineWidth = pr;
      ctx.beginPath();
      ctx.moveTo(left, y);
      ctx.lineTo(left + width, y);
      ctx.stroke();
      ctx.fillStyle = '#3d4452';
      ctx.textAlign = 'right';
      ctx.fillText(o.reference.label, left + width - 4 * pr, y + 3 * pr);
    }
  }
  o.marks.forEach((m, i) => {
    const x = u.valToPos(m.step, 'x', true);
    if (!(x >= left - 1 && x <= left + width + 1)) return;
    ctx.strokeStyle = m.kind === 'restart' ? '#7a4005' : '#1d2330';
    ctx.setLineDash([2 * pr, 3 * pr]);
    ctx.lineWidth = pr;
    ctx.beginPath();
    ctx.moveTo(x, top);
    ctx.lineTo(x, top + height);
    ctx.stroke();
    const onRight = x < left + width * 0.6;
    ctx.textAlign = onRight ? 'left' : 'right';
    const label = `${m.kind === 'restart' ? '↺' : '▲'} ${m.text}`;
    const tx = x + (onRight ? 3 : -3) * pr;
    const ty = top + 2 * pr + (i % 3) * line;
    ctx.fillStyle = 'rgba(255, 255, 255, 0.85)';
    const w = ctx.measureText(label).width;
    ctx.fillRect(onRight ? tx - pr : tx - w - pr, ty - pr, w + 2 * pr, line);
    ctx.fillStyle = m.kind === 'restart' ? '#7a4005' : '#1d2330';
    ctx.fillText(label, tx, ty);
  });
  ctx.restore();
}

export function Plot(props: Props) {
  const box = useRef<HTMLDivElement>(null);
  const readout = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const px = useContext(ChartTextContext);
  const overlay = useRef<Overlay>({ gaps: props.gaps, bands: props.bands, marks: props.marks, reference: props.reference, series: props.series, px });
  overlay.current = { gaps: props.gaps, bands: props.bands, marks: props.marks, reference: props.reference, series: props.series, px };
  const dataRef = useRef(props.data);
  dataRef.current = props.data;

  // Rebuild when the drawing's shape changes; data alone goes through setData below.
  const shape = [
    props.log,
    props.yDomain?.join(),
    props.yLabel,
    props.rightLabel,
    props.xMax,
    px,
    ...props.bands.map((b) => b.id),
    ...props.series.map((s) => `${s.id}|${s.color}|${s.dash?.join()}|${s.ghost}|${s.right}`),
  ].join(';');
  const propsRef = useRef(props);
  propsRef.current = props;

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const hooks: uPlot.Hooks.Arrays = {
      drawAxes: [(u) => drawBands(u, overlay.current)],
      draw: [(u) => drawOverlay(u, overlay.current)],
      setCursor: [
        (u) => {
          const out = readout.current;
          if (!out) return;
          const i = u.cursor.idx;
          if (i === null || i === undefined) {
            out.textContent = '';
            out.hidden = true;
            return;
          }
          const parts = overlay.current.series.flatMap((s, k) => {
            const y = u.data[k + 1]?.[i];
            return typeof y === 'number' && !s.ghost ? [`${s.label} ${valueLabel(y)}`] : [];
          });
          out.textContent = `step ${u.data[0][i]}${parts.length ? ': ' + parts.join(' · ') : ''}`;
          out.hidden = false;
        },
      ],
    };
    const u = new uPlot(options(propsRef.current, el.clientWidth || 300, el.clientHeight || 200, hooks, overlay.current.px), dataRef.current, el);
    plot.current = u;
    const ro = new ResizeObserver(() => {
      if (el.clientWidth > 0 && el.clientHeight > 0 && (el.clientWidth !== u.width || el.clientHeight !== u.height))
        u.setSize({ width: el.clientWidth, height: el.clientHeight });
    });
    ro.observe(el);
    return () => {
      ro.disconnect();
      u.destroy();
      plot.current = null;
    };
  }, [shape]);

  useEffect(() => {
    plot.current?.setData(props.data);
  }, [props.data]);

  useEffect(() => {
    plot.current?.redraw(false, false);
  }, [props.marks, props.reference, props.gaps]);

  return (
    <div className="chart-plot-wrap">
      <div className="chart-plot" ref={box} aria-hidden="true" />
      <div className="chart-readout" ref={readout} hidden aria-hidden="true" />
    </div>
  );
}
