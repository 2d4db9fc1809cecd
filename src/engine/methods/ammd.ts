// AMMD (Jia, NeurIPS 2024, arXiv 2406.02959; our reconstruction in spec "AMMD"): each step
// samples student continuations (on-policy) and teacher continuations (off-policy) of the same
// prompts, takes K Adam steps on the critics against the fixed student, then returns the
// student's loss against the fixed critics (objectives/ammd.ts, objectives/critic.ts).
import * as tf from '@tensorflow/tfjs';
import { globalNorm } from '../optim';
import { Critic } from '../objectives/critic';
import { criticLoss, studentLoss, type AmmdBatch } from '../objectives/ammd';
import { bool, num } from '../runConfig';
import type { ParamValue } from '../params';
import type { Transformer } from '../model/transformer';
import { disposeBatch, sampledBatch, type DeviceBatch, type MethodRuntime, type StepContext, type StepPlan } from './runtime';
import type { MethodSetup } from './registry';
import { timed } from '../profile';

/** Global-norm clip of every critic step (as the student's). */
const CRITIC_MAX_NORM = 1;

export function ammd(setup: MethodSetup): MethodRuntime {
  const critic = Critic.init(setup.studentConfig, setup.initRng, num(setup.hyper, 'bound'));
  const optimizer = tf.train.adam(criticLr(setup.settings, setup.hyper), 0.9, 0.98);

  return {
    prepare(ctx: StepContext): StepPlan {
      const tau = num(ctx.hyper, 'sampleTemperature');
      const beta = num(ctx.hyper, 'beta');
      const penalty = num(ctx.hyper, 'penalty');
      // Each sampler's own logits come back with its samples: the student's on its samples and
      // the teacher's on its samples need no second forward pass.
      const on = sampledBatch(ctx, ctx.student, tau, undefined, true);
      const off = sampledBatch(ctx, ctx.teacher, tau, undefined, true);
      const teacherOn = timed('teacherForward', () => ctx.teacher.forward(on.tokens));
      const teacherOff = off.logits!;
      const studentOnSamples = on.logits!;
      const probe = (b: DeviceBatch, teacherLogits: tf.Tensor3D, student: Transformer | tf.Tensor3D): AmmdBatch => ({
        tokens: b.tokens,
        mask: b.mask,
        targets: b.targets,
        teacherLogits,
        studentLogits: student instanceof tf.Tensor ? student : student.forward(b.tokens),
      });

      // Critic steps against the student as it is now (its logits are constants here).
      (optimizer as unknown as { learningRate: number }).learningRate = criticLr(ctx.settings, ctx.hyper);
      const last = timed('critic', () => {
        const studentOff = ctx.student.forward(off.tokens);
        const args = () => ({ critic, on: probe(on, teacherOn, studentOnSamples), off: probe(off, teacherOff, studentOff), beta, penalty });
        let value: tf.Scalar | null = null;
        const K = num(ctx.hyper, 'criticSteps');
        for (let k = 0; k < K; k++) {
          const step = tf.variableGrads(() => criticLoss(args()).loss, critic.variables());
          applyGuarded(optimizer, step.grads);
          tf.dispose(step.grads);
          value?.dispose();
          value = step.value;
        }
        // With K = 0 the critics do not move; report their loss all the same.
        if (!value) value = tf.tidy(() => criticLoss(args()).loss);
        studentOff.dispose();
        return value;
      });

      const policyGradient = bool(ctx.hyper, 'policyGradient');
      const plan: StepPlan = {
        loss: () => studentLoss({ critic, on: probe(on, teacherOn, ctx.student), off: probe(off, teacherOff, ctx.student), beta, policyGradient }),
        side: last,
        source: 'mixed',
        batch: on,
        dispose() {
          disposeBatch(on);
          disposeBatch(off);
          tf.dispose([teacherOn, teacherOff, studentOnSamples]);
          plan.side?.dispose();
        },
      };
      return plan;
    },

    criticEstimates(on, off) {
      return tf.tidy(() => {
        const r = criticLoss({ critic, on, off, beta: 0.5, penalty: 0 });
        return { on: r.lOn, off: r.lOff };
      });
    },
    bound: () => critic.R,
    setLive(id: string, value: ParamValue) {
      if (id === 'bound') critic.setBound(value as number);
    },
    extraVariables: () => [],
    extras: () => ({}),
    dispose() {
      critic.dispose();
      optimizer.dispose();
    },
  };
}

function criticLr(settings: Record<string, ParamValue>, hyper: Record<string, ParamValue>): number {
  return num(settings, 'lr') * num(hyper, 'criticLrScale');
}

/**
 * A clipped Adam step that never writes a non-finite value: non-finite gradient entries become
 * 0 and a non-finite norm zeroes the whole step. The trainer's one read then reports the
 * non-finite critic loss and halts the run.
 */
function applyGuarded(optimizer: tf.Optimizer, grads: tf.NamedTensorMap): void {
  tf.tidy(() => {
    const finite: tf.NamedTensorMap = {};
    for (const [name, g] of Object.entries(grads)) finite[name] = tf.where(tf.isFinite(g), g, tf.zerosLike(g));
    const norm = globalNorm(Object.values(grads));
    const scale = tf.where(tf.isFinite(norm), tf.minimum(1, tf.div(CRITIC_MAX_NORM, norm.add(1e-6))), tf.scalar(0));
    const clipped: tf.NamedTensorMap = {};
    for (const [name, g] of Object.entries(finite)) clipped[name] = g.mul(scale);
    optimizer.applyGradients(clipped);
  });
}
