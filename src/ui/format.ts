// Small number formats shared by the status strip, the transport, the controls and the charts.
import type { ParamSpec, ParamValue } from '../engine/params';

/** Throughput that stays readable when a step takes longer than a second (software GPUs). */
export function formatRate(stepsPerSec: number): string {
  if (!(stepsPerSec > 0)) return '– steps/s';
  return stepsPerSec >= 1 ? `${stepsPerSec.toFixed(1)} steps/s` : `${(1 / stepsPerSec).toFixed(1)} s/step`;
}

export function formatValue(p: ParamSpec, v: ParamValue): string {
  if (p.kind === 'boolean') return v ? 'on' : 'off';
  if (p.kind === 'choice') return p.choices.find((c) => c.value === v)?.label ?? String(v);
  const n = Number(v);
  const text = n !== 0 && (Math.abs(n) < 0.01 || Math.abs(n) >= 1e5) ? n.toExponential(1) : String(Number(n.toPrecision(4)));
  return p.unit ? `${text} ${p.unit}` : text;
}

/** A value as short as a chart label allows: 0.003 → "3e-3", 0.05 → "0.05", true → "on". */
export function shortValue(v: ParamValue): string {
  if (typeof v === 'boolean') return v ? 'on' : 'off';
  if (typeof v === 'string') return v;
  if (v !== 0 && (Math.abs(v) < 0.01 || Math.abs(v) >= 1e5))
    return v
      .toExponential()
      .replace(/\.?0+e/, 'e')
      .replace('e+', 'e');
  return String(Number(v.toPrecision(4)));
}
