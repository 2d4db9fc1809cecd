// Knobs several methods share, as small factories: one definition of the sampling temperature,
// the [0, 1] weights, the discount and the divergence choices. Plain data: no TensorFlow.js here.
import { choiceParam, numberParam, type ChoiceParam, type NumberParam } from '../params';

/**
 * τ_s of the data sources (docs/methods.md): the temperature at which teacher or student
 * continuations are sampled; 1 unless a paper samples at another (DistiLLM-2's 0.8, SKD's 0.5).
 */
export function sampleTemperature(help: string, value = 1): NumberParam<'sampleTemperature'> {
  return numberParam({
    id: 'sampleTemperature',
    label: 'Sampling temperature τ_s',
    default: value,
    min: 0,
    max: 2,
    step: 0.05,
    apply: 'live',
    help: `${help} 0 decodes greedily.`,
  });
}

/** A mixing weight or probability in [0, 1] (GKD's λ and β, MiniLLM's α, AMMD's β), changeable live. */
export function unitWeight<const Id extends string>(id: Id, label: string, value: number, help: string): NumberParam<Id> {
  return numberParam({ id, label, default: value, min: 0, max: 1, step: 0.05, apply: 'live', help });
}

/** The discount γ of a return or a temporal difference (MiniLLM, X-KD). */
export function discount(value: number, help: string): NumberParam<'gamma'> {
  return numberParam({ id: 'gamma', label: 'Discount γ', default: value, min: 0, max: 1, step: 0.01, apply: 'live', help });
}

/** The names the divergence choices show for the token divergences several methods offer. */
export const DIVERGENCE_LABEL = { fkl: 'Forward KL(p‖q)', rkl: 'Reverse KL(q‖p)', tvd: 'Total variation' } as const;

/** How a student's name says its divergence when that is what sets it apart ("GKD, forward KL"). */
const DIVERGENCE_SHORT: Readonly<Record<string, string>> = {
  fkl: 'forward KL',
  rkl: 'reverse KL',
  tvd: 'total variation',
  jsd: 'generalized JSD',
  skl: 'skew KL',
  srkl: 'skew reverse KL',
};

/** The divergence a method minimises, changeable live; `choices` (value → label) in the order the control lists them. */
export function divergenceParam<const V extends string>(
  label: string,
  value: NoInfer<V>,
  choices: Readonly<Record<V, string>>,
  help: string,
): ChoiceParam<'divergence', V> {
  return choiceParam({ id: 'divergence', label, default: value, choices, apply: 'live', help, short: DIVERGENCE_SHORT as Partial<Record<V, string>> });
}
