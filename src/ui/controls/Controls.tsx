// The left column: transport, lesson presets, the shared run settings and each student's
// method and hyperparameters, all generated from the declarations. Controls an instructor's
// link hides are not drawn.
import { memo } from 'react';
import { METHODS, getMethod, isMethodId } from '../../engine/methods/declarations';
import type { ParamValue } from '../../engine/params';
import { MAX_LANES, RUN_PARAMS, type RunSpec } from '../../shared/runSpec';
import { LANE_COLORS, laneLabel } from '../../state/config';
import { LessonPicker } from '../lesson/LessonPicker';
import { ParamControl } from './ParamControl';

interface Props {
  spec: RunSpec;
  hidden: string[];
  onParam: (lane: number | null, id: string, value: ParamValue) => void;
  onMethod: (lane: number, method: string) => void;
  onAddLane: () => void;
  onRemoveLane: (lane: number) => void;
  onPreset: (id: string) => void;
  /** The open lesson, marked in the list. */
  lesson: string | null;
}

/** data-testid of a control: param-<id> for shared settings and student 1, param-s<i>.<id> for the others. */
export const paramTestId = (lane: number | null, id: string) => (lane === null || lane === 0 ? `param-${id}` : `param-s${lane + 1}.${id}`);

export const Controls = memo(function Controls({ spec, hidden, onParam, onMethod, onAddLane, onRemoveLane, onPreset, lesson }: Props) {
  const shown = (id: string) => !hidden.includes(id);
  const race = spec.lanes.length > 1;
  return (
    <div className="controls">
      {shown('presets') && <LessonPicker active={lesson} onPick={onPreset} />}

      <section className="panel" aria-label="Run settings">
        <h2>Run</h2>
        {RUN_PARAMS.filter((p) => shown(p.id)).map((p) => (
          <ParamControl key={p.id} spec={p} value={spec.settings[p.id]} testId={paramTestId(null, p.id)} onChange={(v) => onParam(null, p.id, v)} />
        ))}
      </section>

      {spec.lanes.map((lane, i) => {
        const decl = isMethodId(lane.method) ? getMethod(lane.method) : null;
        const params = decl?.params.filter((p) => shown(p.id)) ?? [];
        return (
          <section key={i} className="panel lane-panel" style={{ borderLeftColor: LANE_COLORS[i] }} aria-label={`Student ${i + 1}`}>
            <div className="panel-head">
              <h2>
                <span className="lane-dot" style={{ background: LANE_COLORS[i] }} aria-hidden /> {race ? `Student ${i + 1}` : 'Student'}
                {race && <span className="muted small"> {laneLabel(spec, i)}</span>}
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
                <select id={`method-${i}`} data-testid={paramTestId(i, 'method')} value={lane.method} onChange={(e) => onMethod(i, e.target.value)}>
                  {METHODS.map((m) => (
                    <option key={m.id} value={m.id}>
                      {m.label} — {m.summary}
                    </option>
                  ))}
                </select>
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
      {hidden.length > 0 && <p className="muted small">This link hides {hidden.length} control{hidden.length > 1 ? 's' : ''} chosen by the instructor.</p>}
    </div>
  );
});
