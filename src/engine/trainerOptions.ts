// What a caller hands the trainer and gets back from a step. Plain types.
import type { Transformer } from './model/transformer';
import type { MetricRecord } from './metrics/record';
import type { DataSource } from './methods/runtime';
import type { DeviceBatch } from './deviceBatch';
import type { Example } from './tasks';

export interface StepOutcome {
  step: number;
  /** The metric record, when this step ended with an evaluation. */
  record: MetricRecord | null;
  /** Non-finite loss or gradient: why the run stopped. The weights are those before the step. */
  halted: string | null;
  /** Where this step's batch came from (GKD and DistiLLM choose per step). */
  source: DataSource;
}

export interface StepOptions {
  /** False: a warm-up step that no one will chart (no evaluation). */
  evaluate?: boolean;
  /** This step's examples instead of the next ones of the data stream (the step explainer's). */
  examples?: readonly Example[];
  /**
   * Sees the batch the student learns from before the update, and AMMD's off-policy batch
   * beside it (tensors are the plan's: clone to keep).
   */
  onPlan?: (batch: DeviceBatch | undefined, source: DataSource, offPolicy?: DeviceBatch) => void;
}

export interface TrainerOptions {
  /** The backend in use, for reports. */
  backendName?: string;
  /** Held-out prompts per evaluation (default EVAL_PROMPTS). */
  evalPrompts?: number;
  /**
   * A warm start: the student begins as a copy of these weights (a shipped SFT checkpoint of
   * the same size; the caller keeps ownership). Without it the student starts from the seed.
   */
  initialStudent?: Transformer | null;
  /** Steps evaluated besides every evalEvery (default EARLY_EVAL_STEPS). */
  earlyEvalSteps?: readonly number[];
}
