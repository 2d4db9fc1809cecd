// AMMD (Jia, NeurIPS 2024, arXiv 2406.02959; our reconstruction in docs/methods.md, "AMMD"): each step
// samples student continuations (on-policy) and teacher continuations (off-policy) of the same
// prompts, takes K Adam steps on the critics against the fixed student, then returns the
// student's loss against the fixed critics (objectives/ammd.ts, objectives/critic.ts).
import * as tf from '@tensorflow/tfjs';
import { FlatAdam } from '../flatAdam';
import { Critic, type ActionValues } from '../objectives/critic';
import { ExactCritic } from '../objectives/exactCritic';
import { criticLoss, penalisedDistance, studentLoss, type AmmdBatch } from '../objectives/ammd';
import type { ParamValue } from '../params';
import type { Settings } from '../settings';
import type { HyperOf } from './types';
import type { AMMD } from './ammd.declaration';
import type { Transformer } from '../model/transformer';
import { sampledBatch, type MethodRuntime, type MethodSetup, type StepContext, type StepPlan } from './runtime';
import { disposeBatch, type DeviceBatch } from '../deviceBatch';
import { timed } from '../profile';

/** Global-norm clip of every critic step (as the student's). */
const CRITIC_MAX_NORM = 1;

type AmmdHyper = HyperOf<typeof AMMD>;

export function ammd(setup: MethodSetup<AmmdHyper>): MethodRuntime<AmmdHyper> {
  const { bound: R, critic: kind, criticFeatures: features } = setup.hyper;
  const learned = kind === 'learned' ? Critic.init(setup.studentConfig, setup.initRng, R, features, setup.models ?? null) : null;
  const exact = learned ? null : new ExactCritic(R, kind === 'oracle' ? 0 : setup.hyper.penalty);
  const critic: ActionValues = learned ?? exact!;
  // Frozen-feature critics read the models' last hidden states: computed once per step (the
  // logits are the head applied to them), not once per critic step.
  const teacherHidden = learned !== null && learned.features !== 'own';
  const studentHidden = learned?.features === 'both' || learned?.features === 'probs';
  const optimizer = learned ? new FlatAdam(learned.variables(), criticLr(setup.settings, setup.hyper), 0.9, 0.98) : null;

  return {
    prepare(ctx: StepContext<AmmdHyper>): StepPlan {
      const { sampleTemperature: tau, beta, penalty, criticSteps, criticWarmup, policyGradient } = ctx.hyper;
      // Each sampler's own logits come back with its samples: the student's on its samples and
      // the teacher's on its samples need no second forward pass.
      const on = sampledBatch(ctx, ctx.student, tau, undefined, true);
      const off = sampledBatch(ctx, ctx.teacher, tau, undefined, true);
      const owned: tf.Tensor[] = [on.logits!, off.logits!];
      const own = <X extends tf.Tensor | undefined>(t: X): X => {
        if (t) owned.push(t);
        return t;
      };
      const [teacherHiddenOn, teacherHiddenOff] = teacherHidden
        ? [own(ctx.teacher.hidden(on.tokens)), own(ctx.teacher.hidden(off.tokens))]
        : [undefined, undefined];
      const teacherOn = own(timed('teacherForward', () => (teacherHiddenOn ? ctx.teacher.head(teacherHiddenOn) : ctx.teacher.forward(on.tokens))));
      const teacherOff = off.logits!;
      const studentOnSamples = on.logits!;
      // The student as it is now, detached, for a critic that reads it.
      const [studentHiddenOn, studentHiddenOff] = studentHidden
        ? [own(ctx.student.hidden(on.tokens)), own(ctx.student.hidden(off.tokens))]
        : [undefined, undefined];
      const probe = (
        b: DeviceBatch,
        teacher: [tf.Tensor3D, tf.Tensor3D | undefined],
        student: Transformer | tf.Tensor3D,
        sHidden?: tf.Tensor3D,
      ): AmmdBatch => ({
        tokens: b.tokens,
        mask: b.mask,
        targets: b.targets,
        teacherLogits: teacher[0],
        teacherHidden: teacher[1],
        studentHidden: sHidden,
        studentLogits: student instanceof tf.Tensor ? student : student.forward(b.tokens),
      });
      const tOn: [tf.Tensor3D, tf.Tensor3D | undefined] = [teacherOn, teacherHiddenOn];
      const tOff: [tf.Tensor3D, tf.Tensor3D | undefined] = [teacherOff, teacherHiddenOff];

      // Critic steps against the student as it is now (its logits are constants here); a
      // warm-up adds steps before the first student step. Exact critics take none.
      if (optimizer) optimizer.learningRate = criticLr(ctx.settings, ctx.hyper);
      exact?.setPenalty(kind === 'oracle' ? 0 : penalty);
      const last = timed('critic', () => {
        const studentOff = studentHiddenOff ? ctx.student.head(studentHiddenOff) : ctx.student.forward(off.tokens);
        const args = () => ({
          critic,
          on: probe(on, tOn, studentOnSamples, studentHiddenOn),
          off: probe(off, tOff, studentOff, studentHiddenOff),
          beta,
          penalty,
        });
        let value: tf.Scalar | null = null;
        const K = learned ? criticSteps + (ctx.step === 0 ? criticWarmup : 0) : 0;
        for (let k = 0; k < K; k++) {
          const step = tf.variableGrads(() => criticLoss(args()).loss, learned!.variables());
          applyGuarded(optimizer!, step.grads);
          tf.dispose(step.grads);
          value?.dispose();
          value = step.value;
        }
        // With K = 0 (or an exact critic) the critics do not move; report their loss all the same.
        if (!value) value = tf.tidy(() => criticLoss(args()).loss);
        studentOff.dispose();
        return value;
      });

      const plan: StepPlan = {
        loss: () => {
          // One student pass over both batches stacked (half the kernels of two passes).
          const nOn = on.tokens.shape[0];
          const both = ctx.student.forward(tf.concat([on.tokens, off.tokens], 0) as tf.Tensor2D);
          const [studentOn, studentOff] = tf.split(both, [nOn, off.tokens.shape[0]], 0) as tf.Tensor3D[];
          return studentLoss({
            critic,
            on: probe(on, tOn, studentOn, studentHiddenOn),
            off: probe(off, tOff, studentOff, studentHiddenOff),
            beta,
            policyGradient,
          });
        },
        side: last,
        source: 'mixed',
        batch: on,
        offPolicy: off,
        dispose() {
          disposeBatch(on);
          disposeBatch(off);
          tf.dispose(owned);
          plan.side?.dispose();
        },
      };
      return plan;
    },

    criticEstimates(on, off) {
      return tf.tidy(() => {
        const r = criticLoss({ critic, on, off, beta: 0.5, penalty: 0 });
        const c = setup.current().penalty;
        const R = critic.R;
        return {
          on: r.lOn,
          off: r.lOff,
          onPenalised: penalisedDistance(on.teacherLogits, on.studentLogits, on.mask, c, R),
          offPenalised: penalisedDistance(off.teacherLogits, off.studentLogits, off.mask, c, R),
        };
      });
    },
    bound: () => critic.R,
    carried: () => ({ variables: learned?.variables() ?? [], optimizers: optimizer ? [optimizer] : [] }),
    setLive(id: string, value: ParamValue) {
      if (id === 'bound') (learned ?? exact!).setBound(value as number);
    },
    extraVariables: () => [],
    extras: () => ({}),
    dispose() {
      learned?.dispose();
      optimizer?.dispose();
    },
  };
}

function criticLr(settings: Settings, hyper: AmmdHyper): number {
  return settings.lr * hyper.criticLrScale;
}

/**
 * A clipped Adam step that never writes a non-finite value: non-finite gradient entries become
 * 0 and a non-finite norm zeroes the whole step. The trainer's one read then reports the
 * non-finite critic loss and halts the run.
 */
function applyGuarded(optimizer: FlatAdam, grads: tf.NamedTensorMap): void {
  tf.tidy(() => {
    const flat = optimizer.flatten(grads);
    const finite = tf.where(tf.isFinite(flat), flat, tf.zerosLike(flat)) as tf.Tensor1D;
    const norm = flat.square().sum().sqrt();
    const scale = tf.where(tf.isFinite(norm), tf.minimum(1, tf.div(CRITIC_MAX_NORM, norm.add(1e-6))), tf.scalar(0)) as tf.Scalar;
    optimizer.apply(finite, scale);
  });
}
