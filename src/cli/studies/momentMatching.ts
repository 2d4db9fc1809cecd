// AMMD's mechanics at its defaults: do the exact moment distances fall, does the critic stay below
// them, does the game collapse without the penalty. AMMD against the other distillers is the
// head-to-head study.
import { clearlyBelow } from './stats';
import { fmt as s, tally, type Arm, type ClaimResult, type Study } from './study';

function ammdArms(task: 'addition' | 'reverse', full: boolean): Arm[] {
  const arm = (id: string, label: string, method: string, hyper: Record<string, unknown> = {}): Arm => ({
    id: `${task}-${id}`,
    label: `${task} ${label}`,
    task,
    method,
    hyper,
  });
  const core = [arm('ammd', 'AMMD (defaults)', 'ammd'), arm('ammd-c0', 'AMMD c=0', 'ammd', { penalty: 0 })];
  const ablations = full
    ? [
        arm('ammd-b0', 'AMMD β=0', 'ammd', { beta: 0 }),
        arm('ammd-b1', 'AMMD β=1', 'ammd', { beta: 1 }),
        arm('ammd-pg', 'AMMD +PG', 'ammd', { policyGradient: true }),
        arm('ammd-k1', 'AMMD K=1', 'ammd', { criticSteps: 1 }),
        arm('ammd-k5', 'AMMD K=5', 'ammd', { criticSteps: 5 }),
        arm('ammd-own', 'AMMD, critic on its own trunk', 'ammd', { criticFeatures: 'own' }),
      ]
    : [];
  return [...core, ...ablations];
}

export const momentMatching: Study = {
  name: 'moment-matching',
  title: 'Adversarial moment matching (AMMD): its mechanics and ablations',
  claims: [
    'Both exact moment distances (mmOnExact, mmOffExact) fall under AMMD.',
    'The critic’s estimate stays below the exact best-critic value.',
    'Without the critic penalty (c = 0) the game collapses.',
  ],
  // Run when the playground's default rate was 0.003; pinned so the page stays true to its runs.
  common: { lr: 0.003 },
  defaultSteps: 100,
  arms: [...ammdArms('addition', true), ...ammdArms('reverse', false)],
  metrics: [
    { key: 'mmOnExact', label: 'mmOnExact (2R·Σ_t tvd, student samples)', chart: true },
    { key: 'mmOffExact', label: 'mmOffExact (2R·Σ_t tvd, teacher samples)', chart: true },
    { key: 'mmOnCritic', label: 'mmOnCritic (learned critic, student samples)' },
    { key: 'mmOffCritic', label: 'mmOffCritic (learned critic, teacher samples)' },
    { key: 'mmOnPenalised', label: 'mmOnPenalised (best penalised critic, student samples)' },
    { key: 'criticEffOn', label: 'criticEffOn (mmOnCritic ÷ mmOnPenalised)' },
    { key: 'criticEffOff', label: 'criticEffOff (mmOffCritic ÷ mmOffPenalised)' },
    { key: 'score', label: 'score (greedy exact match)', chart: true },
    { key: 'fklTeacher', label: 'fklTeacher (per token, teacher samples)' },
    { key: 'rklStudent', label: 'rklStudent (per token, student samples)' },
    { key: 'studentLen', label: 'student sample length (positions; mmOnExact / 2·tvdStudent)' },
  ],
  notes: [
    'Every arm is AMMD at the playground’s defaults (see the method card) but for the one setting its label names.',
    'On reverse only the default AMMD and c = 0 run; the β, K, policy-gradient and critic-trunk ablations run on addition.',
  ],
  verdict(r) {
    const out: ClaimResult[] = [];
    const tasks = ['addition', 'reverse'].filter((t) => r.has(`${t}-ammd`));
    {
      const checks: boolean[] = [];
      const parts: string[] = [];
      for (const t of tasks) {
        for (const k of ['mmOnExact', 'mmOffExact']) {
          const a = r.at(`${t}-ammd`, k, 'first');
          const b = r.at(`${t}-ammd`, k, 'last');
          checks.push(clearlyBelow(b, a));
          parts.push(`${t} ${k} ${s(a)} → ${s(b)}`);
        }
      }
      out.push({ claim: this.claims[0], verdict: checks.length ? tally(checks) : 'not run', line: parts.join('; ') });
    }
    {
      const ammd = this.arms.filter((a) => a.method === 'ammd').map((a) => a.id);
      let n = 0;
      let below = 0;
      let worst = -Infinity;
      for (const [crit, exact] of [
        ['mmOnCritic', 'mmOnExact'],
        ['mmOffCritic', 'mmOffExact'],
      ]) {
        const c = r.all(ammd, crit);
        const e = r.all(ammd, exact);
        c.forEach((v, i) => {
          const x = e[i];
          if (typeof v !== 'number' || typeof x !== 'number') return;
          n++;
          if (v <= x + 1e-6) below++;
          worst = Math.max(worst, v - x);
        });
      }
      out.push({
        claim: this.claims[1],
        verdict: n === 0 ? 'not run' : below === n ? 'reproduced' : 'not reproduced',
        line: `${below} of ${n} records (every AMMD run and checkpoint, both critics) have critic ≤ exact; largest critic − exact ${worst.toExponential(2)}`,
      });
    }
    {
      const checks: boolean[] = [];
      const parts: string[] = [];
      // Judged on teacher prefixes (mmOffExact, fklTeacher), which are fixed: a sequence sum over the
      // student's own samples (mmOnExact) also moves with their length (seed 1 on addition at c = 0
      // had a low mmOnExact from short samples while its fklTeacher was the worst of the study).
      for (const t of tasks) {
        const c1 = r.at(`${t}-ammd`, 'mmOffExact');
        const c0 = r.at(`${t}-ammd-c0`, 'mmOffExact');
        const f1 = r.at(`${t}-ammd`, 'fklTeacher');
        const f0 = r.at(`${t}-ammd-c0`, 'fklTeacher');
        checks.push(clearlyBelow(c1, c0), clearlyBelow(f1, f0));
        parts.push(
          `${t}: mmOffExact c=0 ${s(c0)} vs default c ${s(c1)}, fklTeacher c=0 ${s(f0)} vs default c ${s(f1)}, mmOnExact c=0 ${s(r.at(`${t}-ammd-c0`, 'mmOnExact'))} vs default c ${s(r.at(`${t}-ammd`, 'mmOnExact'))} (student sample length ${s(r.at(`${t}-ammd-c0`, 'studentLen'))} vs ${s(r.at(`${t}-ammd`, 'studentLen'))}), score c=0 ${s(r.at(`${t}-ammd-c0`, 'score'))} vs default c ${s(r.at(`${t}-ammd`, 'score'))}`,
        );
      }
      out.push({ claim: this.claims[2], verdict: checks.length ? tally(checks) : 'not run', line: parts.join('; ') });
    }
    return out;
  },
};
