// One knob, drawn from its ParamSpec: a slider (with value, unit and log scale), a select or a
// checkbox, with a badge saying whether it applies live or restarts the run, and its help on
// hover and focus.
import { memo, useId, type ReactNode } from 'react';
import type { NumberParam, ParamSpec, ParamValue } from '../../engine/params';
import { formatValue } from '../format';

export { formatValue };

export interface ParamControlProps {
  spec: ParamSpec;
  value: ParamValue;
  onChange: (value: ParamValue) => void;
  testId: string;
  disabled?: boolean;
  /** Whether a value fits the rest of the run (e.g. heads must divide the width); keys skip others. */
  valid?: (value: number) => boolean;
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

/** Values a log slider's keys step through: 1, 1.5, 2, 3, 5, 7 in every decade. */
const LOG_LADDER = [1, 1.5, 2, 3, 5, 7];

/** The next value up (dir 1) or down (-1) on a log slider: one rung, or a decade for Page keys. */
function logNeighbour(p: NumberParam, v: number, dir: 1 | -1, page: boolean): number {
  if (page) return snap(p, Number((v * 10 ** dir).toPrecision(6)));
  const decade = Math.floor(Math.log10(v));
  const rungs: number[] = [];
  for (let d = decade - 1; d <= decade + 1; d++) for (const m of LOG_LADDER) rungs.push(Number((m * 10 ** d).toPrecision(6)));
  const next = dir > 0 ? rungs.find((r) => r > v * (1 + 1e-9)) : rungs.reverse().find((r) => r < v * (1 - 1e-9));
  return snap(p, next ?? v);
}

const KEY_DIRECTION: Record<string, 1 | -1> = { ArrowUp: 1, ArrowRight: 1, PageUp: 1, ArrowDown: -1, ArrowLeft: -1, PageDown: -1 };

/**
 * Where an arrow or Page key takes a slider: one step (Page: ten), or on a log slider one rung of
 * the log ladder (Page: a decade), skipping values the run would refuse. Null: not such a key.
 */
export function keyedValue(p: NumberParam, v: number, key: string, valid?: (value: number) => boolean): number | null {
  const dir = KEY_DIRECTION[key];
  if (!dir) return null;
  const page = key.startsWith('Page');
  let at = v;
  for (let i = 0; i < 100; i++) {
    const next = p.scale === 'log' ? logNeighbour(p, at, dir, page) : snap(p, at + dir * p.step * (page ? 10 : 1));
    if (next === at) return v; // at the end of the range
    at = next;
    if (!valid || valid(at)) return at;
  }
  return v;
}

export const ParamControl = memo(function ParamControl({ spec, value, onChange, testId, disabled, valid }: ParamControlProps) {
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
          <input
            id={id}
            type="checkbox"
            data-testid={testId}
            checked={Boolean(value)}
            disabled={disabled}
            aria-describedby={helpId}
            onChange={(e) => onChange(e.target.checked)}
          />
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
  // What the number box and the slider share.
  const numeric = { id, 'data-testid': testId, 'data-value': num, disabled, 'aria-describedby': helpId };
  if (!log && (spec.max - spec.min) / spec.step > 2000) {
    // A slider cannot pick one of a million seeds: type the number instead.
    return field(
      <input
        {...numeric}
        type="number"
        min={spec.min}
        max={spec.max}
        step={spec.step}
        value={num}
        onChange={(e) => {
          if (e.target.value !== '') onChange(snap(spec, Number(e.target.value)));
        }}
      />,
    );
  }
  return field(
    <input
      {...numeric}
      type="range"
      min={log ? 0 : spec.min}
      max={log ? SLIDER_STEPS : spec.max}
      step={log ? 1 : spec.step}
      value={toPosition(spec, num)}
      aria-valuetext={formatValue(spec, num)}
      onChange={(e) => {
        const v = fromPosition(spec, Number(e.target.value));
        if (!valid || valid(v)) onChange(v);
      }}
      onKeyDown={(e) => {
        if (e.altKey || e.ctrlKey || e.metaKey) return;
        const next = keyedValue(spec, num, e.key, valid);
        if (next === null) return;
        e.preventDefault();
        if (next !== num) onChange(next);
      }}
    />,
    <output className="param-value" htmlFor={id}>
      {formatValue(spec, num)}
    </output>,
  );
});
