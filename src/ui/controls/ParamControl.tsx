// One knob, drawn from its ParamSpec: a slider (with value, unit and log scale), a select or a
// checkbox, with a badge saying whether it applies live or restarts the run, and its help on
// hover and focus.
import { memo, useId, type ReactNode } from 'react';
import type { NumberParam, ParamSpec, ParamValue } from '../../engine/params';

export interface ParamControlProps {
  spec: ParamSpec;
  value: ParamValue;
  onChange: (value: ParamValue) => void;
  testId: string;
  disabled?: boolean;
}

const SLIDER_STEPS = 1000;

/** Slider position (0…SLIDER_STEPS) ↔ value on a log scale. */
function toPosition(p: NumberParam, v: number): number {
  if (p.scale !== 'log') return v;
  const lo = Math.log(p.min);
  const hi = Math.log(p.max);
  return Math.round(((Math.log(Math.max(v, p.min)) - lo) / (hi - lo)) * SLIDER_STEPS);
}

function fromPosition(p: NumberParam, pos: number): number {
  if (p.scale !== 'log') return snap(p, pos);
  const lo = Math.log(p.min);
  const hi = Math.log(p.max);
  const v = Math.exp(lo + (pos / SLIDER_STEPS) * (hi - lo));
  return snap(p, Number(v.toPrecision(2)));
}

/** Round to the declared step (integers stay integers) and keep inside the range. */
function snap(p: NumberParam, v: number): number {
  const stepped = p.step >= 1 ? Math.round(v / p.step) * p.step : Number((Math.round(v / p.step) * p.step).toPrecision(6));
  return Math.min(p.max, Math.max(p.min, stepped));
}

export function formatValue(p: ParamSpec, v: ParamValue): string {
  if (p.kind === 'boolean') return v ? 'on' : 'off';
  if (p.kind === 'choice') return p.choices.find((c) => c.value === v)?.label ?? String(v);
  const n = Number(v);
  const text = n !== 0 && (Math.abs(n) < 0.01 || Math.abs(n) >= 1e5) ? n.toExponential(1) : String(Number(n.toPrecision(4)));
  return p.unit ? `${text} ${p.unit}` : text;
}

export const ParamControl = memo(function ParamControl({ spec, value, onChange, testId, disabled }: ParamControlProps) {
  const id = useId();
  const helpId = `${id}-help`;
  const badge = (
    <span className={`badge ${spec.apply}`} title={spec.apply === 'live' ? 'Applies from the next step' : 'Changing this restarts the run'}>
      {spec.apply === 'live' ? 'live' : 'restarts'}
    </span>
  );
  const help = (
    <span className="help" id={helpId} role="tooltip">
      {spec.help}
    </span>
  );
  /** Label (with the current value, if shown) and badge above the input, help below. */
  const field = (input: ReactNode, shown?: ReactNode) => (
    <div className="param" title={spec.help}>
      <label className="param-head" htmlFor={id}>
        <span className="param-label">{spec.label}</span>
        {shown}
        {badge}
      </label>
      {input}
      {help}
    </div>
  );

  if (spec.kind === 'boolean') {
    return (
      <div className="param" title={spec.help}>
        <label className="param-head" htmlFor={id}>
          <input id={id} type="checkbox" data-testid={testId} checked={Boolean(value)} disabled={disabled} aria-describedby={helpId} onChange={(e) => onChange(e.target.checked)} />
          <span className="param-label">{spec.label}</span>
          {badge}
        </label>
        {help}
      </div>
    );
  }

  if (spec.kind === 'choice') {
    return field(
      <select id={id} data-testid={testId} value={String(value)} disabled={disabled} aria-describedby={helpId} onChange={(e) => onChange(e.target.value)}>
        {spec.choices.map((c) => (
          <option key={c.value} value={c.value}>
            {c.label}
          </option>
        ))}
      </select>,
    );
  }

  const num = Number(value);
  const log = spec.scale === 'log';
  if (!log && (spec.max - spec.min) / spec.step > 2000) {
    // A slider cannot pick one of a million seeds: type the number instead.
    return field(
      <input
        id={id}
        type="number"
        data-testid={testId}
        data-value={num}
        min={spec.min}
        max={spec.max}
        step={spec.step}
        value={num}
        disabled={disabled}
        aria-describedby={helpId}
        onChange={(e) => {
          if (e.target.value !== '') onChange(snap(spec, Number(e.target.value)));
        }}
      />,
    );
  }
  return field(
    <input
      id={id}
      type="range"
      data-testid={testId}
      data-value={num}
      min={log ? 0 : spec.min}
      max={log ? SLIDER_STEPS : spec.max}
      step={log ? 1 : spec.step}
      value={toPosition(spec, num)}
      disabled={disabled}
      aria-valuetext={formatValue(spec, num)}
      aria-describedby={helpId}
      onChange={(e) => onChange(fromPosition(spec, Number(e.target.value)))}
    />,
    <output className="param-value" htmlFor={id}>
      {formatValue(spec, num)}
    </output>,
  );
});
