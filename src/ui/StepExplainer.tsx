// Explain one step, in slow motion: a diagram of one training step of the chosen student's
// method — prompt → continuation → both next-token distributions → the quantity the loss
// pushes down → the update → the student after it — walked through stage by stage with the
// engine's real numbers (a scratch copy takes the step the run would take next, on one held-out
// example; the run is paused and untouched). One sentence per stage says what happens there for
// this method; every per-position value is per token, every total a sum over the continuation.
import { memo, useEffect, useState } from 'react';
import type { RunSpec } from '../shared/runSpec';
import type { StepExplanation } from '../worker/protocol';
import { LANE_COLORS, laneLabel } from '../state/config';
import { tokenLabel } from '../engine/tasks/vocab';
import { shortValue } from './format';
import { DIST_COLORS, DistributionBars } from './DistributionBars';

const STAGES = ['Prompt', 'Continuation', 'Predictions', 'Divergence', 'Update', 'After'] as const;
const STAGE_MS = 2600;
const TOP = 6;

const SOURCE: Record<string, string> = {
  dataset: 'Off-policy: the continuation is the dataset’s answer, so the student learns on prefixes it did not write.',
  teacher: 'Off-policy: the teacher sampled this continuation; the student learns to follow the teacher’s own text.',
  student: 'On-policy: the student sampled this continuation itself, mistakes included, and the teacher grades every prefix of it.',
  mixed: 'AMMD samples twice: the student (on-policy, shown here) and the teacher (off-policy); its critics compare the two.',
  buffer: 'DistiLLM took this continuation from its replay buffer of the student’s earlier samples (adaptive off-policy).',
  paired:
    'DistiLLM-2 samples twice per prompt: the teacher’s response (skew KL raises its likelihood) and the student’s own, shown here (skew reverse KL pushes down its over-confident tokens).',
  speculative:
    'SKD: the student proposed each token and the teacher replaced those outside its top K, so the continuation is the student’s own where the teacher found it plausible.',
};

function quantitySentence(e: StepExplanation): string {
  const k = e.quantity.kind;
  if (k === 'nll')
    return `${e.method.toUpperCase()} ignores the teacher’s distribution: the loss is −log q of each target token, the student’s surprise at it.`;
  if (k === 'bestCritic')
    return 'Below, per token: the gap 2R·TVD that the best critic with |f| ≤ R would find at each position. The student does not push this down directly but the gap the run’s critics find, which is at most this:';
  if (k === 'fkl') return 'Forward KL(p‖q) at each position: large where the student gives little mass to tokens the teacher likes (mode covering).';
  if (k === 'rkl') return 'Reverse KL(q‖p) at each position: large where the student puts mass on tokens the teacher rules out (mode seeking).';
  if (k === 'tvd') return 'Total variation at each position: half the summed absolute gap between the two distributions, at most 1.';
  if (k === 'jsd') return 'Generalized JSD at each position: a blend of forward and reverse KL against the mixture of p and q (β sets the blend).';
  if (k === 'ab') return `${e.quantity.label} at each position: forward KL at (α, β) = (1, 0), reverse KL at (0, 1), a blend of their pulls in between.`;
  return `${e.quantity.label} at each position: the skewed KL that mixes a little of one distribution into the other (α) to keep gradients bounded.`;
}

/** The learning rate the step used and where it sits in the run's warm-up. */
export function rateText(rate: StepExplanation['rate']): string {
  const lr = `learning rate ${shortValue(rate.lr)}`;
  if (rate.warmup > 0 && rate.step < rate.warmup) return `${lr} (step ${rate.step} of a ${rate.warmup}-step warm-up to ${shortValue(rate.base)})`;
  return rate.warmup > 0 ? `${lr} (the run’s step ${rate.step}, past its ${rate.warmup}-step warm-up)` : `${lr} (the run’s step ${rate.step}, no warm-up)`;
}

const fixed = (x: number) => shortValue(Number(x.toPrecision(3)));
const tokens = (n: number) => `${n} token${n === 1 ? '' : 's'}`;

/** found / could find, as a percentage; null when a critic could find nothing here. */
export function criticShare(g: { found: number; couldFind: number }): string | null {
  return g.couldFind > 1e-9 ? `${Math.round((100 * g.found) / g.couldFind)} %` : null;
}

/** AMMD: what the run's critics find on the step's two continuations, beside what a critic could find. */
function CriticGapTable({ c }: { c: NonNullable<StepExplanation['critics']> }) {
  const exact = c.kind !== 'learned';
  const rows = [
    { name: 'On-policy: the student’s continuation (shown)', g: c.on },
    { name: `Off-policy: the teacher’s continuation “${c.offContinuation}”`, g: c.off },
  ];
  return (
    <>
      <table className="xp-critics" data-testid="xp-critics">
        <caption>Moment gaps, each summed over the continuation’s tokens (as on the moment-matching chart)</caption>
        <thead>
          <tr>
            <th scope="col">Continuation</th>
            <th scope="col">{exact ? 'The exact critic finds' : 'The run’s critics found'}</th>
            <th scope="col">A critic could find (penalty c = {shortValue(c.penalty)})</th>
            <th scope="col">found / could find</th>
            <th scope="col">Best critic, no penalty (2R·Σ TVD, R = {shortValue(c.bound)})</th>
          </tr>
        </thead>
        <tbody>
          {rows.map(({ name, g }) => (
            <tr key={name}>
              <th scope="row">
                {name}, {tokens(g.tokens)}
              </th>
              <td>{fixed(g.found)}</td>
              <td>{fixed(g.couldFind)}</td>
              <td>{criticShare(g) ?? '–'}</td>
              <td>{fixed(g.best)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="small">
        {c.kind === 'oracle'
          ? 'This run’s critic is the oracle R·sign(p − q), computed from p and q, not trained: it finds the best critic’s gap with no penalty (the last column), more than a penalised critic could.'
          : exact
            ? 'This run’s critic is the exact best penalised critic, computed from p and q, not trained: it finds what a critic could.'
            : `“Could find” is the best critic of the objective the critics are trained on (the gap minus c times their squared outputs); the run’s critics found ${criticShare(c.on) ?? 'none'} of it on the student’s continuation and ${criticShare(c.off) ?? 'none'} on the teacher’s (the critics as the run has them now, before this step’s own critic steps). The gap the student pushes down is the one they find.`}
      </p>
    </>
  );
}

const COLOR: Record<string, string> = { teacher: DIST_COLORS.teacher, student: DIST_COLORS.student, 'student faint': DIST_COLORS.studentBefore };

function Bars({ rows }: { rows: Array<{ id: number; values: Array<{ v: number; cls: string; name: string }> }> }) {
  return (
    <div className="xp-bars">
      <DistributionBars
        label="Next-token distributions at this position"
        series={(rows[0]?.values ?? []).map((x) => ({ name: x.name, color: COLOR[x.cls] ?? DIST_COLORS.student }))}
        rows={rows.map((r) => ({ token: tokenLabel(r.id), values: r.values.map((x) => x.v) }))}
      />
    </div>
  );
}

function topIds(dists: number[][]): number[] {
  const V = dists[0]?.length ?? 0;
  return Array.from({ length: V }, (_, i) => i)
    .sort((a, b) => Math.max(...dists.map((d) => d[b])) - Math.max(...dists.map((d) => d[a])))
    .slice(0, TOP);
}

export const StepExplainer = memo(function StepExplainer({
  spec,
  ready,
  explanation,
  onExplain,
  onClose,
}: {
  spec: RunSpec;
  ready: boolean;
  explanation: { lane: number; step: number; pending: boolean; data: StepExplanation | null } | null;
  onExplain: (lane: number, example: number) => void;
  onClose: () => void;
}) {
  const [stage, setStage] = useState(0);
  const [playing, setPlaying] = useState(true);
  const [pos, setPos] = useState(0);
  const [example, setExample] = useState(0);
  const e = explanation?.data ?? null;
  const lane = Math.min(explanation?.lane ?? 0, spec.lanes.length - 1);

  // A new explanation starts the walk-through from the first stage.
  useEffect(() => {
    setStage(0);
    setPos(0);
    setPlaying(true);
  }, [e]);
  useEffect(() => {
    if (!playing || !e || stage >= STAGES.length - 1) return;
    const id = setTimeout(() => setStage((s) => s + 1), STAGE_MS);
    return () => clearTimeout(id);
  }, [playing, stage, e]);

  if (!explanation) {
    return (
      <div className="xp-open">
        <button
          data-testid="explain-open"
          disabled={!ready}
          onClick={() => onExplain(0, example)}
          title="Pause and take one step of the method on a copy, in slow motion, with its real numbers"
        >
          Explain one step ▸
        </button>
      </div>
    );
  }
  const p = e?.positions[Math.min(pos, (e?.positions.length ?? 1) - 1)];
  const total = (key: 'valueBefore' | 'valueAfter') => (e ? e.positions.reduce((a, x) => a + x[key], 0) : 0);
  const maxValue = e ? Math.max(1e-9, ...e.positions.map((x) => Math.max(x.valueBefore, x.valueAfter))) : 1;
  const detail = (i: number) => {
    if (!e || !p) return null;
    switch (i) {
      case 0:
        return (
          <p>
            The held-out prompt <b className="mono">{e.prompt}</b>. A copy of the student takes this one step, with the example repeated to fill the batch; the
            run itself is paused and not changed.
          </p>
        );
      case 1:
        return <p>{SOURCE[e.source] ?? `The continuation came from: ${e.source}.`}</p>;
      case 2:
        return (
          <>
            <p>
              At every position both models predict the next token. Position {pos + 1}, before “{p.label}”: grey is the teacher p, orange the student q.
            </p>
            <Bars
              rows={topIds([p.teacher, p.before]).map((id) => ({
                id,
                values: [
                  { v: p.teacher[id], cls: 'teacher', name: 'teacher' },
                  { v: p.before[id], cls: 'student', name: 'student' },
                ],
              }))}
            />
          </>
        );
      case 3:
        return (
          <>
            <p>{quantitySentence(e)}</p>
            <div className="xp-values" role="list" aria-label={`${e.quantity.label} per token`}>
              {e.positions.map((x, k) => (
                <span key={k} role="listitem" className="xp-value" title={`${x.label}: ${shortValue(x.valueBefore)}`}>
                  <span className="xp-value-num">{shortValue(Number(x.valueBefore.toPrecision(2)))}</span>
                  <span className="xp-value-bar" style={{ height: `${(80 * x.valueBefore) / maxValue}%` }} />
                  <span className="mono">{x.label}</span>
                </span>
              ))}
            </div>
            {e.critics && <CriticGapTable c={e.critics} />}
          </>
        );
      case 4:
        return (
          <p>
            The loss over the batch is <b>{e.loss === null ? '–' : shortValue(Number(e.loss.toPrecision(4)))}</b>. Its gradient (clipped to norm 1) moves every
            weight of the student one Adam step at <b data-testid="xp-rate">{rateText(e.rate)}</b>: the step the run would take next on this batch, with the
            run’s optimiser state{e.critics ? ' and its critics (which first take their own steps on the batch)' : ''}
            {e.rate.step === 0 ? '; as the run’s first Adam step it moves each weight by about the learning rate' : ''}. The weights moved by ‖Δθ‖ ={' '}
            {fixed(e.updateNorm)}.
          </p>
        );
      default:
        return (
          <>
            <p>
              The student after the step, at position {pos + 1}: lighter bars before, darker after. Summed over the continuation’s {tokens(e.positions.length)},{' '}
              {e.quantity.label} went from {fixed(total('valueBefore'))} to {fixed(total('valueAfter'))}
              {e.quantity.unit ? ` ${e.quantity.unit}` : ''}.
            </p>
            <Bars
              rows={topIds([p.teacher, p.before, p.after]).map((id) => ({
                id,
                values: [
                  { v: p.teacher[id], cls: 'teacher', name: 'teacher' },
                  { v: p.before[id], cls: 'student faint', name: 'student before' },
                  { v: p.after[id], cls: 'student', name: 'student after' },
                ],
              }))}
            />
          </>
        );
    }
  };

  return (
    <section
      className="panel explainer"
      data-testid="explainer"
      aria-label="Explain one step"
      data-stage={stage}
      data-ready={e && !explanation.pending ? 1 : 0}
    >
      <div className="panel-head">
        <h2>
          One step of {laneLabel(spec, lane)} in slow motion {explanation.pending && <span className="muted small">— taking the step…</span>}
        </h2>
        <span className="xp-tools">
          {spec.lanes.length > 1 && (
            <select aria-label="Which student" value={lane} onChange={(ev) => onExplain(Number(ev.target.value), example)}>
              {spec.lanes.map((_, i) => (
                <option key={i} value={i}>
                  {i + 1}: {laneLabel(spec, i)}
                </option>
              ))}
            </select>
          )}
          <button onClick={() => setPlaying((x) => !x)} disabled={!e}>
            {playing ? 'Pause' : 'Play'}
          </button>
          <button
            onClick={() => {
              setExample((x) => x + 1);
              onExplain(lane, example + 1);
            }}
          >
            Another prompt
          </button>
          <button className="small-btn" onClick={onClose} aria-label="Close the step explainer">
            ✕
          </button>
        </span>
      </div>
      <ol className="xp-diagram" style={{ borderColor: LANE_COLORS[lane] }}>
        {STAGES.map((name, i) => (
          <li key={name} className={i === stage ? 'active' : i < stage ? 'done' : ''}>
            <button aria-current={i === stage ? 'step' : undefined} onClick={() => (setStage(i), setPlaying(false))}>
              {i + 1}. {i === 3 && e ? e.quantity.label : name}
            </button>
          </li>
        ))}
      </ol>
      {e && (
        <div className="xp-sequence" role="group" aria-label="Positions of the continuation">
          <span className="mono muted">{e.prompt}</span>
          {e.positions.map((x, k) => (
            <button key={k} className={`tok ${k === pos ? 'picked' : ''}`} aria-pressed={k === pos} onClick={() => setPos(k)} title={`position ${k + 1}`}>
              {x.label}
            </button>
          ))}
        </div>
      )}
      <div className="xp-detail" aria-live="polite">
        {e ? detail(stage) : <p className="muted">Taking one step on a copy of the student…</p>}
      </div>
    </section>
  );
});
