// The left column, in the order a class changes things: the task, each student's method and its
// own knobs, then the run's settings, then the lessons. Generated from the declarations;
// controls an instructor's link hides are not drawn, but each student's method is always named.
// In presenter mode only the lessons remain (the transport sits above, in the sticky header).
import { memo, useCallback } from 'react';
import { METHODS, getMethod, isMethodId } from '../../engine/methods/declarations';
import { isShown, type ParamValue } from '../../engine/params';
import { MAX_LANES, RUN_PARAMS, resolveSpec, type RunSpec } from '../../shared/runSpec';
import { LANE_COLORS, laneLabel } from '../../state/config';
import { LessonPicker } from '../lesson/LessonPicker';
import { ParamControl } from './ParamControl';

/** The edits these controls make (the page's controller provides them). */
export interface ExperimentActions {
  setParam: (lane: number | null, id: string, value: ParamValue) => void;
  setMethod: (lane: number, method: string) => void;
  addLane: () => void;
  removeLane: (lane: number) => void;
  applyPreset: (id: string) => void;
}

interface Props {
  spec: RunSpec;
  hidden: string[];
  present?: boolean;
  actions: ExperimentActions;
  /** The open lesson, marked in the list. */
  lesson: string | null;
}

/** data-testid of a control: param-<id> for shared settings and student 1, param-s<i>.<id> for the others. */
export const paramTestId = (lane: number | null, id: string) => (lane === null || lane === 0 ? `param-${id}` : `param-s${lane + 1}.${id}`);

const TASK_FIRST = 'task';

export const Controls = memo(function Controls({ spec, hidden, present = false, actions, lesson }: Props) {
  const { setParam: onParam, setMethod: onMethod, addLane: onAddLane, removeLane: onRemoveLane, applyPreset: onPreset } = actions;
  const shown = (id: string) => !hidden.includes(id);
  const race = spec.lanes.length > 1;
  // A shared value the run would adjust (heads that do not divide the width) is skipped by keys.
  const validShared = useCallback(
    (id: string) => (v: number) => resolveSpec({ settings: { ...spec.settings, [id]: v }, lanes: spec.lanes }).problems.length === 0,
    [spec],
  );
  const runParam = (id: string) => {
    const p = RUN_PARAMS.find((x) => x.id === id)!;
    return (
      <ParamControl
        key={p.id}
        spec={p}
        value={spec.settings[p.id]}
        testId={paramTestId(null, p.id)}
        onChange={(v) => onParam(null, p.id, v)}
        valid={p.kind === 'number' ? validShared(p.id) : undefined}
      />
    );
  };

  const lessons = shown('presets') && <LessonPicker active={lesson} onPick={onPreset} />;
  if (present) return <div className="controls">{lessons}</div>;

  return (
    <div className="controls">
      {shown(TASK_FIRST) && (
        <section className="panel" aria-label="Task">
          {runParam(TASK_FIRST)}
        </section>
      )}

      {spec.lanes.map((lane, i) => {
        const decl = isMethodId(lane.method) ? getMethod(lane.method) : null;
        // A knob that does nothing with the others' values (GKD's β beside forward KL) is not drawn.
        const params = decl?.params.filter((p) => shown(p.id) && isShown(p, lane.hyper)) ?? [];
        return (
          <section key={i} className="panel lane-panel" style={{ borderLeftColor: LANE_COLORS[i] }} aria-label={`Student ${i + 1}: ${laneLabel(spec, i)}`}>
            <div className="panel-head">
              <h2>
                <span className="lane-dot" style={{ background: LANE_COLORS[i] }} aria-hidden /> {race ? `Student ${i + 1}` : 'Student'}
                <span className="lane-method" data-testid={`lane-method-${i + 1}`}>
                  {' '}
                  · {laneLabel(spec, i)}
                </span>
              </h2>
              {race && shown('race') && (
                <button className="small-btn" data-testid={`remove-student-${i + 1}`} onClick={() => onRemoveLane(i)} aria-label={`Remove student ${i + 1}`}>
                  ✕
                </button>
              )}
            </div>
            {shown('method') && (
              <div className="param">
                <label className="param-head" htmlFor={`method-${i}`}>
                  <span className="param-label">Method</span>
                  <span className="badge restart">restarts</span>
                </label>
                <select
                  id={`method-${i}`}
                  data-testid={paramTestId(i, 'method')}
                  value={lane.method}
                  onChange={(e) => onMethod(i, e.target.value)}
                  aria-describedby={`method-${i}-summary`}
                >
                  {METHODS.map((m) => (
                    <option key={m.id} value={m.id}>
                      {m.label}
                    </option>
                  ))}
                </select>
                {decl && (
                  <p className="muted small method-summary" id={`method-${i}-summary`}>
                    {decl.summary}
                  </p>
                )}
              </div>
            )}
            {params.length === 0 && decl && decl.params.length === 0 && <p className="muted small">{decl.label} has no hyperparameters of its own.</p>}
            {params.map((p) => (
              <ParamControl key={p.id} spec={p} value={lane.hyper[p.id]} testId={paramTestId(i, p.id)} onChange={(v) => onParam(i, p.id, v)} />
            ))}
          </section>
        );
      })}
      {shown('race') && spec.lanes.length < MAX_LANES && (
        <button className="add-student" data-testid="add-student" onClick={onAddLane} title="Race another student against the same teacher, data and seed">
          + Add a student to race (up to {MAX_LANES})
        </button>
      )}

      <section className="panel" aria-label="Run settings">
        <h2>Run</h2>
        {RUN_PARAMS.filter((p) => p.id !== TASK_FIRST && shown(p.id)).map((p) => runParam(p.id))}
      </section>

      {lessons}
      {hidden.length > 0 && (
        <p className="muted small">
          This link hides {hidden.length} control{hidden.length > 1 ? 's' : ''} chosen by the instructor.
        </p>
      )}
    </div>
  );
});
