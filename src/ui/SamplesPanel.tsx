// Looking inside: on fixed held-out prompts, the teacher's continuation beside the student's,
// each student token shaded by the total variation between the two next-token distributions
// that produced it. Clicking (or focusing) a token shows both distributions as bars (Recharts). The
// tokens are one tab stop: arrow keys move between them (←→ along a row, ↑↓ across rows).
// For SKD a further column shows the sequence its sampler makes from the same prompts, with the
// tokens the teacher replaced outlined.
import { Fragment, memo, useRef, useState, type KeyboardEvent } from 'react';
import type { InspectSample, InspectToken } from '../worker/protocol';
import type { RunSpec } from '../shared/runSpec';
import { LANE_COLORS, laneLabel } from '../state/config';
import { VOCAB } from '../engine/tasks/vocab';
import { tokenLabel } from '../engine/tasks/vocab';
import { DIST_COLORS, DistributionBars } from './DistributionBars';
import { TASKS } from '../engine/tasks';
import type { Task } from '../engine/tasks';

/** White (agree) → red (disagree) for a divergence in [0, 1]. */
function shade(d: number): string {
  const t = Math.max(0, Math.min(1, d));
  return `rgba(214, 40, 40, ${(0.08 + 0.72 * t).toFixed(3)})`;
}

const TOP = 8;

function Bars({ token }: { token: InspectToken }) {
  const ids = VOCAB.map((_, i) => i)
    .sort((a, b) => Math.max(token.teacherDist[b], token.studentDist[b]) - Math.max(token.teacherDist[a], token.studentDist[a]))
    .slice(0, TOP);
  return (
    <div className="dist" data-testid="distribution">
      <div className="dist-legend">
        <span className="sw teacher" /> teacher p <span className="sw student" /> student q · TVD {token.divergence.toFixed(3)}
      </div>
      <DistributionBars
        label={`Next-token distributions before '${token.label}'`}
        series={[
          { name: 'teacher p', color: DIST_COLORS.teacher },
          { name: 'student q', color: DIST_COLORS.student },
        ]}
        rows={ids.map((id) => ({ token: tokenLabel(id), chosen: id === token.id, values: [token.teacherDist[id], token.studentDist[id]] }))}
      />
    </div>
  );
}

export const SamplesPanel = memo(function SamplesPanel({
  spec,
  inspection,
  lane,
  onLane,
}: {
  spec: RunSpec;
  inspection: { lane: number; step: number; samples: InspectSample[] } | null;
  lane: number;
  onLane: (lane: number) => void;
}) {
  const [picked, setPicked] = useState<{ sample: number; pos: number } | null>(null);
  const samples = inspection && inspection.lane === lane ? inspection.samples : null;
  const token = samples && picked ? samples[picked.sample]?.student[picked.pos] : undefined;
  const grid = useRef<HTMLTableSectionElement>(null);
  const interleaved = samples?.some((s) => s.interleaved) ?? false;
  // A task of several skills: a heading row above each skill's prompts.
  const task = (TASKS as Record<string, Task | undefined>)[String(spec.settings.task)];
  const skillOf = task?.skills && task.skillOf ? task.skillOf : null;
  const columns = interleaved ? 4 : 3;
  // The one token reachable by Tab: the picked one if it still exists, else the first.
  const stop = picked && token ? picked : { sample: 0, pos: 0 };
  const onKey = (e: KeyboardEvent<HTMLButtonElement>, si: number, pi: number) => {
    if (!samples) return;
    const rows = samples.length;
    let [r, c] = [si, pi];
    if (e.key === 'ArrowRight') c++;
    else if (e.key === 'ArrowLeft') c--;
    else if (e.key === 'ArrowDown') r++;
    else if (e.key === 'ArrowUp') r--;
    else if (e.key === 'Home') c = 0;
    else if (e.key === 'End') c = samples[si].student.length - 1;
    else return;
    e.preventDefault();
    e.stopPropagation(); // → is also the page's "one step" key
    r = Math.max(0, Math.min(rows - 1, r));
    const len = samples[r].student.length;
    if (!len) return;
    c = Math.max(0, Math.min(len - 1, c));
    setPicked({ sample: r, pos: c });
    grid.current?.querySelector<HTMLButtonElement>(`[data-cell="${r}:${c}"]`)?.focus();
  };
  return (
    <section className="panel samples-panel" aria-label="Samples" data-testid="samples">
      <div className="panel-head">
        <h2>Inside the models</h2>
        {spec.lanes.length > 1 && (
          <span className="lane-tabs" role="tablist" aria-label="Which student">
            {spec.lanes.map((_, i) => (
              <button
                key={i}
                role="tab"
                aria-selected={i === lane}
                className={i === lane ? 'active' : ''}
                style={{ borderColor: LANE_COLORS[i] }}
                onClick={() => onLane(i)}
              >
                {laneLabel(spec, i)}
              </button>
            ))}
          </span>
        )}
        {inspection && <span className="muted">at step {inspection.step}</span>}
      </div>
      <p className="muted small">
        Held-out prompts the students never train on. Student tokens are shaded by how much the two next-token distributions disagree there (total variation,
        white = agree, red = disagree). Click a token (or Tab to the tokens and use the arrow keys) to compare the distributions.
        {interleaved && ' For SKD, the last column is the sequence it learns from on these prompts: outlined tokens are the teacher’s replacements.'}
      </p>
      {!samples ? (
        <p className="muted">Samples appear once the student is built.</p>
      ) : (
        <div className="samples-grid">
          <table className="samples">
            <thead>
              <tr>
                <th scope="col">Prompt</th>
                <th scope="col">Teacher</th>
                {/* The student's colour as an underline: orange text on white falls short of 4.5:1 contrast. */}
                <th scope="col" style={{ borderBottom: `3px solid ${LANE_COLORS[lane]}` }}>
                  Student
                </th>
                {interleaved && (
                  <th scope="col" title="The student proposes each token; the teacher replaces those outside its top K (outlined).">
                    SKD: teacher-corrected
                  </th>
                )}
              </tr>
            </thead>
            <tbody ref={grid}>
              {samples.map((s, si) => (
                <Fragment key={si}>
                  {skillOf && (si === 0 || skillOf(samples[si - 1].prompt) !== skillOf(s.prompt)) && (
                    <tr className="skill-row" data-testid="skill-row">
                      <th scope="rowgroup" colSpan={columns}>
                        {skillOf(s.prompt)}
                      </th>
                    </tr>
                  )}
                  <tr>
                    <td className="mono">{s.prompt || <span className="muted">(free text)</span>}</td>
                    <td className="mono">{s.teacher}</td>
                    <td className="mono student-tokens" data-testid="student-output">
                      {s.student.map((t, pi) => (
                        <button
                          key={pi}
                          className={`tok ${picked?.sample === si && picked.pos === pi ? 'picked' : ''}`}
                          data-cell={`${si}:${pi}`}
                          tabIndex={stop.sample === si && stop.pos === pi ? 0 : -1}
                          onKeyDown={(e) => onKey(e, si, pi)}
                          style={{ background: shade(t.divergence) }}
                          title={`TVD ${t.divergence.toFixed(3)}`}
                          aria-label={`token ${t.label}, divergence ${t.divergence.toFixed(2)}`}
                          onClick={() => setPicked({ sample: si, pos: pi })}
                          onFocus={() => setPicked({ sample: si, pos: pi })}
                        >
                          {t.label}
                        </button>
                      ))}
                    </td>
                    {interleaved && (
                      <td className="mono student-tokens" data-testid="interleaved-output">
                        {(s.interleaved ?? []).map((t, pi) =>
                          t.replaced ? (
                            <span
                              key={pi}
                              className="tok replaced"
                              data-testid="replaced-token"
                              title={`The student proposed ‘${t.proposed}’, outside the teacher’s top K: the teacher’s sample replaced it`}
                            >
                              {t.label}
                              <span className="sr-only"> (replaced by the teacher; the student proposed {t.proposed})</span>
                            </span>
                          ) : (
                            <span key={pi} className="tok">
                              {t.label}
                            </span>
                          ),
                        )}
                      </td>
                    )}
                  </tr>
                </Fragment>
              ))}
            </tbody>
          </table>
          <div className="dist-box">
            {token ? <Bars token={token} /> : <p className="muted small">Click a student token to see both next-token distributions at that position.</p>}
          </div>
        </div>
      )}
    </section>
  );
});
