// What a distillation method declares about itself: plain data the UI, the URL codec and the
// CLI read without loading TensorFlow.js. Each method's declaration sits beside its runtime
// (X.declaration.ts next to X.ts); declarations.ts lists them, registry.ts runs them.
import type { ParamSpec, ValuesOf } from '../params';
import type { MethodMetricKey } from '../metrics/catalog';

export type MethodId = 'sft' | 'seqkd' | 'kd' | 'rkl' | 'tvd' | 'gkd' | 'distillm' | 'minillm' | 'ammd' | 'xkd' | 'opd' | 'taid' | 'distillm2' | 'skd' | 'abkd';

export interface MethodCard {
  /** One or two sentences: what the student is pushed towards. */
  optimises: string;
  /** The objective in TeX, rendered by the UI. */
  formula: string;
  paper: { title: string; authors: string; venue: string; url: string };
  /** Implementation choices that are Alembic's, not the paper's. */
  ours: string[];
}

/**
 * The per-position quantity a method's loss pushes down, which the step explainer shows: the
 * likelihood, a token divergence (with the options the method takes it at), or AMMD's best
 * critic's gap 2R·tvd.
 */
export type StepQuantitySpec =
  | { kind: 'nll' }
  | { kind: 'bestCritic'; bound: number }
  | { kind: 'fkl' | 'rkl' | 'tvd' | 'jsd' | 'skl' | 'srkl'; temperature?: number; beta?: number; alpha?: number }
  | { kind: 'ab'; alpha: number; beta: number };

export interface MethodDeclaration<P extends readonly ParamSpec[] = readonly ParamSpec[]> {
  id: MethodId;
  label: string;
  /** Short tagline for selects. */
  summary: string;
  params: P;
  card: MethodCard;
  /** Which optional charts have data: AMMD's critics, X-KD's reward head. */
  has: { criticLoss: boolean; criticEstimates: boolean };
  /** What the second loss a step reports is called in messages ('critic', 'reward head'); null when there is none. */
  sideLoss: string | null;
  /** The quantity the step explainer shows per position, for these hyperparameters. */
  stepQuantity(hyper: ValuesOf<P>): StepQuantitySpec;
  /** The method's own metrics (catalog source 'method') that its runtime reports: TAID's t, SKD's acceptance rate. */
  reports?: readonly MethodMetricKey[];
  /**
   * Methods that let the teacher replace the student's tokens (SKD): the rule, for these
   * hyperparameters, that the samples panel applies to show which tokens the teacher replaced.
   */
  speculative?(hyper: ValuesOf<P>): { topK: number };
}

/** The typed hyperparameters of a declaration: `{ beta: number; critic: 'learned' | … }`. */
export type HyperOf<D extends MethodDeclaration<readonly ParamSpec[]>> = ValuesOf<D['params']>;

/**
 * Declare a method. The params keep their literal ids and choice values, so `HyperOf<typeof X>`
 * is the exact type of its hyperparameters and a misspelt id is a compile error.
 */
export function defineMethod<const P extends readonly ParamSpec[]>(declaration: MethodDeclaration<P>): MethodDeclaration<P> {
  return declaration;
}
