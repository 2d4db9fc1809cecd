// The open lesson, predict then check: the question (brought into view and focus when the lesson
// opens), how long it takes here, a prediction to pick, Play (which stops by itself at the
// checkpoint), and once the run is there, an announced verdict: whether the prediction was right
// and what the right answer is, this run's values next to the verified ones, and whether this run
// fell outside the verified band. The expected band is drawn only after the prediction and Play.
import { memo, useEffect, useId, useRef } from 'react';
import type { MetricRecord } from '../../engine/metrics/record';
import type { Preset } from '../../state/presets';
import type { EffectCheck, LessonReference } from '../../state/lessons';
import { LANE_COLORS } from '../../state/config';
import { BAND_LABEL, valueAtStep } from './expectedBands';
import { chartName, metricName } from './metricNames';
import { formatDuration, lessonTime, noteLessonRate, SETTLED_STEP, useSpeedFactor } from './lessonDuration';
import { formatRate } from '../format';
import './lesson.css';

export interface LessonPanelProps {
  preset: Preset;
  /** The verification's numbers; undefined while loading, null when missing. */
  reference: LessonReference | null | undefined;
  /** Student names in this run, by lane. */
  labels: string[];
  records: MetricRecord[][];
  step: number;
  running: boolean;
  /** Built, with a student to train: Play can be pressed. */
  ready: boolean;
  stepsPerSec: number;
  /** The run's setup differs from the lesson's (the band does not apply). */
  changed: boolean;
  /** The learner's prediction (a lane), or null. */
  prediction: number | null;
  /** Play was pressed after the prediction: the band is drawn, the prediction fixed. */
  played: boolean;
  /** The run has a value of both students at the checkpoint. */
  passed: boolean;
  onPredict: (lane: number) => void;
  onPlay: () => void;
  onPause: () => void;
  onClose: () => void;
}

interface Comparison {
  metric: string;
  /** The student expected lower on it. */
  lower: number;
  /** Its verified numbers, once loaded. */
  check: EffectCheck | undefined;
}

const expectedIn = (check: EffectCheck | undefined, lane: number) => (check ? [check.lower, check.higher].find((a) => a.lane === lane) : undefined);

const num = (v: number | null | undefined) =>
  typeof v === 'number' && Number.isFinite(v) ? (Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 10 ? v.toFixed(1) : v.toFixed(3)) : '–';

export const LessonPanel = memo(function LessonPanel(props: LessonPanelProps) {
  const { preset, reference, labels, records, step, running, ready, stepsPerSec, changed, prediction, played, passed } = props;
  const name = useId();
  const panel = useRef<HTMLElement>(null);
  const question = useRef<HTMLParagraphElement>(null);
  const speed = useSpeedFactor();
  const { effect } = preset;
  const ask = preset.ask ?? 'lower';
  const answer = ask === 'lower' ? effect.lower : effect.higher;
  const options = [effect.lower, effect.higher].sort((a, b) => a - b);
  const metric = metricName(effect.metric);
  const chart = chartName(effect.metric);
  const here = (lane: number) => valueAtStep(records[lane] ?? [], effect.metric, effect.checkpoint);
  // The lesson's main comparison, then any further ones it checks at the same step.
  const comparisons: Comparison[] = [
    { metric: effect.metric, lower: effect.lower, check: reference?.check },
    ...(effect.also ?? []).map((c, i) => ({ metric: c.metric, lower: c.lower, check: reference?.alsoChecks?.[i] })),
  ];
  const seeds = reference?.seeds.length ?? 3;
  // A band from seeds this page does not run (a lesson checked on fresh seeds) says so.
  const pageSeed = Number(preset.spec.settings?.seed ?? 1);
  const otherSeed = (checked: number[]) => (checked.includes(pageSeed) ? '' : ` This page runs seed ${pageSeed}, which is not one of them.`);
  // In a sentence: "Student 1, KD (word level), has …".
  const name_ = (lane: number) => `Student ${lane + 1}, ${labels[lane] ?? ''},`;

  // Opening a lesson brings its panel into view and puts the focus on its question.
  useEffect(() => {
    panel.current?.scrollIntoView({ block: 'start' });
    question.current?.focus({ preventScroll: true });
  }, []);
  // This machine's speed, from the lesson's own run once its first steps are behind it.
  useEffect(() => {
    if (reference && running && !changed && step >= SETTLED_STEP && stepsPerSec > 0) noteLessonRate(reference, stepsPerSec);
  }, [reference, running, changed, step, stepsPerSec]);

  const time = reference ? lessonTime(reference, speed) : null;
  const left = Math.max(0, effect.checkpoint - step);
  const timeText = changed
    ? null
    : time
      ? time.here
        ? `Takes about ${formatDuration(time.seconds)} here (${effect.checkpoint} steps, at the speed this page measured).`
        : `Takes about ${formatDuration(time.seconds)} on the machine that verified it (${effect.checkpoint} steps); this page times its own steps once it plays.`
      : null;

  return (
    <section ref={panel} className="panel lesson-panel" data-testid="lesson-panel" aria-label={`Lesson: ${preset.title}`}>
      <div className="panel-head">
        <h2>Lesson: {preset.title}</h2>
        <button className="small-btn" onClick={props.onClose} aria-label="Close the lesson" data-testid="lesson-close">
          ✕
        </button>
      </div>
      <p className="lesson-question" data-testid="lesson-question" ref={question} tabIndex={-1}>
        {preset.question}
      </p>
      {timeText && (
        <p className="muted small lesson-duration" data-testid="lesson-duration">
          {timeText}
        </p>
      )}
      <fieldset className="lesson-predict" disabled={played || passed}>
        <legend className="small">
          Your prediction: {ask} {metric} at step {effect.checkpoint} (the {chart} chart)
        </legend>
        {options.map((lane) => (
          <label key={lane} className="lesson-option">
            <input type="radio" name={name} data-testid={`lesson-predict-${lane}`} checked={prediction === lane} onChange={() => props.onPredict(lane)} />
            <span className="lane-dot" style={{ background: LANE_COLORS[lane] }} /> Student {lane + 1}: {labels[lane] ?? ''}
          </label>
        ))}
      </fieldset>
      <p className="lesson-progress">
        {/* One button that changes role, so the focus stays on it through Play, Pause and after. */}
        {running ? (
          <button className="primary" data-testid="lesson-pause" onClick={props.onPause}>
            ❚❚ Pause
          </button>
        ) : (
          <button
            className="primary"
            data-testid="lesson-play"
            onClick={props.onPlay}
            disabled={!ready || (!passed && prediction === null && step < effect.checkpoint)}
          >
            {passed || step >= effect.checkpoint ? '▶ Keep training' : '▶ Play'}
          </button>
        )}{' '}
        <span className="muted small" data-testid="lesson-progress">
          {prediction === null && !passed ? 'Pick a prediction, then play. ' : ''}
          {step < effect.checkpoint
            ? `Step ${step} of ${effect.checkpoint}${running ? ' (it stops there)' : ''}.`
            : `Step ${step}: past the checkpoint (${effect.checkpoint}).`}
          {running && step < effect.checkpoint && stepsPerSec > 0 ? ` About ${formatDuration(left / stepsPerSec)} left at ${formatRate(stepsPerSec)}.` : ''}
        </span>
      </p>
      <p className="muted small" data-testid="lesson-band-note">
        {changed
          ? 'You changed the lesson’s setup, so its expected band is hidden: it holds only for the lesson’s own settings.'
          : !played && !passed
            ? `The expected band is drawn on the ${chart} chart once you have made your prediction and pressed Play.`
            : reference
              ? `Shaded on the ${chart} chart: ${BAND_LABEL(seeds)} (mean ± 1 sd of ${metric} over seeds ${reference.seeds.join(', ')}, from npm run lessons).${otherSeed(reference.seeds)}`
              : reference === null
                ? 'The expected band could not be loaded.'
                : 'Loading the expected band…'}
      </p>
      {/* Announced when the run reaches the checkpoint (the region exists before its text does). */}
      <div className="lesson-announce" role="status" aria-live="polite" data-testid="lesson-announce">
        {passed && <Verdict {...{ preset, reference, labels, records, comparisons, prediction, changed, here, seeds, answer, metric, name_ }} />}
      </div>
      {passed && (
        <div className="lesson-result" data-testid="lesson-result">
          {comparisons.map((c, i) => (
            <table className="lesson-table" key={i} data-testid={i === 0 ? 'lesson-table' : `lesson-table-also-${i}`}>
              <thead>
                <tr>
                  <th>
                    {metricName(c.metric)}, step {effect.checkpoint}
                  </th>
                  <th>this run</th>
                  <th>expected, {seeds} seeds</th>
                </tr>
              </thead>
              <tbody>
                {options.map((lane) => {
                  const e = expectedIn(c.check, lane);
                  return (
                    <tr key={lane} data-testid={i === 0 ? `lesson-row-${lane}` : `lesson-row-also-${i}-${lane}`}>
                      <td>
                        <span className="lane-dot" style={{ background: LANE_COLORS[lane] }} /> {labels[lane]}
                        {lane === c.lower ? ' (expected lower)' : ''}
                      </td>
                      <td>{num(valueAtStep(records[lane] ?? [], c.metric, effect.checkpoint))}</td>
                      <td>{e ? `${num(e.mean)} ± ${num(e.sd)}` : '–'}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          ))}
          <p data-testid="lesson-text">{preset.lesson}</p>
          {/* Kept short for a projector; how the lesson was designed and checked waits behind "More". */}
          {preset.more && (
            <details className="lesson-more" data-testid="lesson-more">
              <summary>More</summary>
              <p>{preset.more}</p>
            </details>
          )}
        </div>
      )}
    </section>
  );
});

interface VerdictProps {
  preset: Preset;
  reference: LessonReference | null | undefined;
  labels: string[];
  prediction: number | null;
  changed: boolean;
  records: MetricRecord[][];
  comparisons: Comparison[];
  here: (lane: number) => number | null;
  seeds: number;
  answer: number;
  metric: string;
  name_: (lane: number) => string;
}

/** What the run at the checkpoint says: the prediction against the verified answer, this run's direction, and where it fell. */
function Verdict({ preset, reference, records, comparisons, prediction, changed, here, seeds, answer, metric, name_ }: VerdictProps) {
  const { effect } = preset;
  const ask = preset.ask ?? 'lower';
  const right = `${name_(answer)} has the ${ask} ${metric} at step ${effect.checkpoint}`;
  const [lo, hi] = [here(effect.lower) as number, here(effect.higher) as number];
  // This run's value against its student's verified mean ± sd, where it lies outside that band.
  const who = (lane: number) => name_(lane).replace(/,$/, '');
  // Every comparison the lesson checks, each named by its metric when there are several.
  const outside = changed
    ? []
    : comparisons.flatMap((c) =>
        [effect.lower, effect.higher].flatMap((lane) => {
          const e = expectedIn(c.check, lane);
          const v = valueAtStep(records[lane] ?? [], c.metric, effect.checkpoint);
          if (!e || v === null || (v >= e.mean - e.sd && v <= e.mean + e.sd)) return [];
          const what = comparisons.length > 1 ? ` (${metricName(c.metric)})` : '';
          return [`${who(lane)}${what}, ${num(v)} against ${num(e.mean)} ± ${num(e.sd)}`];
        }),
      );
  // Said the way the question asks it: "… is higher" for a question about the higher one.
  const direction =
    lo < hi
      ? ask === 'lower'
        ? `${name_(effect.lower)} is lower (${num(lo)} against ${num(hi)})`
        : `${name_(effect.higher)} is higher (${num(hi)} against ${num(lo)})`
      : null;
  return (
    <>
      <p className="lesson-verdict" data-testid="lesson-verdict">
        {prediction === null
          ? `You made no prediction. The verified answer: ${right}.`
          : prediction === answer
            ? `Your prediction was right: ${right}, as verified over ${seeds} seeds.`
            : `Your prediction was not the verified answer. The right answer: ${right}, as verified over ${seeds} seeds.`}
      </p>
      {outside.length > 0 && (
        <p className="small lesson-outside" data-testid="lesson-outside">
          This run landed outside the expected band: {outside.join('; ')}. The band is the mean ± 1 sd of {seeds} seeds; one run can land outside it.
        </p>
      )}
      <p className="small" data-testid="lesson-agreement">
        {/* "too" only where this run agrees with the check inside its band. */}
        {direction
          ? outside.length
            ? `Its direction still agrees: ${direction}.`
            : `In this run too, ${direction}.`
          : `This run went the other way (${num(lo)} against ${num(hi)}): one run varies more than the mean of ${seeds} seeds.`}
        {changed ? ' Its setup differs from the lesson’s, so the verified values do not apply to it.' : ''}
      </p>
      {reference === null && <p className="small">The verified values could not be loaded.</p>}
    </>
  );
}
