// The open lesson, predict then check: the question, a prediction to pick, Play, where the
// expected band is drawn, and once this run has passed the checkpoint, what it measured next to
// what the lesson's verification (several seeds, `npm run lessons`) measured.
import { memo, useId, useState } from 'react';
import type { MetricRecord } from '../../engine/metrics/record';
import type { Preset } from '../../state/presets';
import type { LessonReference } from '../../state/lessons';
import { LANE_COLORS } from '../../state/config';
import { BAND_LABEL, valueAtStep } from './expectedBands';
import { chartName, metricName } from './metricNames';
import type { PlayControlProps } from '../controls/Transport';
import './lesson.css';

export interface LessonPanelProps extends PlayControlProps {
  preset: Preset;
  /** The verification's numbers; undefined while loading, null when missing. */
  reference: LessonReference | null | undefined;
  /** Student names in this run, by lane. */
  labels: string[];
  records: MetricRecord[][];
  /** The run's setup differs from the lesson's (the band does not apply). */
  changed: boolean;
  onClose: () => void;
}

const num = (v: number | null | undefined) =>
  typeof v === 'number' && Number.isFinite(v) ? (Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 10 ? v.toFixed(1) : v.toFixed(3)) : '–';

export const LessonPanel = memo(function LessonPanel({ preset, reference, labels, records, step, running, ready, changed, onPlay, onClose }: LessonPanelProps) {
  const [prediction, setPrediction] = useState<number | null>(null);
  const name = useId();
  const { effect } = preset;
  const ask = preset.ask ?? 'lower';
  const answer = ask === 'lower' ? effect.lower : effect.higher;
  const options = [effect.lower, effect.higher].sort((a, b) => a - b);
  const metric = metricName(effect.metric);
  const here = (lane: number) => valueAtStep(records[lane] ?? [], effect.metric, effect.checkpoint);
  const passed = here(effect.lower) !== null && here(effect.higher) !== null;
  const expectedOf = (lane: number) => (reference ? [reference.check.lower, reference.check.higher].find((a) => a.lane === lane) : undefined);
  const seeds = reference?.seeds.length ?? 3;

  return (
    <section className="panel lesson-panel" data-testid="lesson-panel" aria-label={`Lesson: ${preset.title}`}>
      <div className="panel-head">
        <h2>Lesson: {preset.title}</h2>
        <button className="small-btn" onClick={onClose} aria-label="Close the lesson" data-testid="lesson-close">
          ✕
        </button>
      </div>
      <p className="lesson-question" data-testid="lesson-question">
        {preset.question}
      </p>
      <fieldset className="lesson-predict" disabled={passed}>
        <legend className="small">
          Your prediction: {ask} {metric} at step {effect.checkpoint} (the {chartName(effect.metric)} chart)
        </legend>
        {options.map((lane) => (
          <label key={lane} className="lesson-option">
            <input type="radio" name={name} data-testid={`lesson-predict-${lane}`} checked={prediction === lane} onChange={() => setPrediction(lane)} />
            <span className="lane-dot" style={{ background: LANE_COLORS[lane] }} /> Student {lane + 1}: {labels[lane] ?? ''}
          </label>
        ))}
      </fieldset>
      {!passed && (
        <p className="lesson-progress">
          <button className="primary" data-testid="lesson-play" onClick={onPlay} disabled={!ready || running || prediction === null}>
            ▶ Play
          </button>{' '}
          <span className="muted small" data-testid="lesson-progress">
            {prediction === null ? 'Pick a prediction, then play. ' : ''}Step {Math.min(step, effect.checkpoint)} of {effect.checkpoint}.
          </span>
        </p>
      )}
      <p className="muted small" data-testid="lesson-band-note">
        {changed
          ? 'You changed the lesson’s setup, so its expected band is hidden: it holds only for the lesson’s own settings.'
          : reference
            ? `Shaded on the ${chartName(effect.metric)} chart: ${BAND_LABEL(seeds)} (mean ± 1 sd of ${metric} over seeds ${reference.seeds.join(', ')}, from npm run lessons).`
            : reference === null
              ? 'The expected band could not be loaded.'
              : 'Loading the expected band…'}
      </p>
      {passed && (
        <div className="lesson-result" data-testid="lesson-result">
          <p>
            {prediction === null
              ? 'You made no prediction. '
              : prediction === answer
                ? 'Your prediction matches the verified effect. '
                : 'Your prediction differs from the verified effect. '}
            {preset.lesson}
          </p>
          <table className="lesson-table">
            <thead>
              <tr>
                <th>
                  {metric}, step {effect.checkpoint}
                </th>
                <th>this run</th>
                <th>expected, {seeds} seeds</th>
              </tr>
            </thead>
            <tbody>
              {options.map((lane) => {
                const e = expectedOf(lane);
                return (
                  <tr key={lane} data-testid={`lesson-row-${lane}`}>
                    <td>
                      <span className="lane-dot" style={{ background: LANE_COLORS[lane] }} /> {labels[lane]}
                    </td>
                    <td>{num(here(lane))}</td>
                    <td>{e ? `${num(e.mean)} ± ${num(e.sd)}` : '–'}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
          <p className="small" data-testid="lesson-agreement">
            {(here(effect.lower) as number) < (here(effect.higher) as number)
              ? `In this run too, ${labels[effect.lower]} is lower.`
              : `This run went the other way: one run varies more than the mean of ${seeds} seeds.`}
          </p>
        </div>
      )}
    </section>
  );
});
