// What a distillation method declares about itself: plain data the UI, the URL codec and the
// CLI read without loading TensorFlow.js. The runtime half lives beside it in the registry.
import type { ParamSpec } from '../params';

export type MethodId = 'sft' | 'seqkd' | 'kd' | 'rkl' | 'tvd' | 'gkd' | 'distillm' | 'minillm' | 'ammd' | 'xkd';

export interface MethodCard {
  /** One or two sentences: what the student is pushed towards. */
  optimises: string;
  /** The objective in TeX, rendered by the UI. */
  formula: string;
  paper: { title: string; authors: string; venue: string; url: string };
  /** Implementation choices that are Alembic's, not the paper's. */
  ours: string[];
}

export interface MethodDeclaration {
  id: MethodId;
  label: string;
  /** Short tagline for selects. */
  summary: string;
  params: readonly ParamSpec[];
  card: MethodCard;
  /** Which optional charts have data: AMMD's critics, X-KD's reward head. */
  has: { criticLoss: boolean; criticEstimates: boolean };
}
