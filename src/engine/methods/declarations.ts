// Every distillation method's declaration (knobs and card), in the order the page lists them.
// Each one lives beside its runtime (X.declaration.ts next to X.ts). The UI builds its controls
// and method cards from this list, the URL codec and the CLI's --set read it, and the registry
// runs it. Plain data: no TensorFlow.js here. The mathematics is in docs/methods.md.
import type { ParamSpec } from '../params';
import type { MethodDeclaration, MethodId } from './types';
import { KD, RKL, SEQKD, SFT, TVD } from './basic.declaration';
import { GKD } from './gkd.declaration';
import { DISTILLM } from './distillm.declaration';
import { MINILLM } from './minillm.declaration';
import { AMMD } from './ammd.declaration';
import { XKD } from './xkd.declaration';
import { OPD } from './opd.declaration';
import { TAID } from './taid.declaration';
import { DISTILLM2 } from './distillm2.declaration';
import { SKD } from './skd.declaration';
import { ABKD } from './abkd.declaration';

/** By id, so a method in MethodId without a declaration does not compile; listed in this order. */
const BY_ID: Record<MethodId, MethodDeclaration> = {
  sft: SFT,
  seqkd: SEQKD,
  kd: KD,
  rkl: RKL,
  tvd: TVD,
  gkd: GKD,
  distillm: DISTILLM,
  minillm: MINILLM,
  ammd: AMMD,
  xkd: XKD,
  opd: OPD,
  taid: TAID,
  distillm2: DISTILLM2,
  skd: SKD,
  abkd: ABKD,
};

export const METHODS: readonly MethodDeclaration[] = Object.values(BY_ID);

export const METHOD_IDS: readonly MethodId[] = METHODS.map((m) => m.id);

export function isMethodId(id: string): id is MethodId {
  return (METHOD_IDS as readonly string[]).includes(id);
}

/** The declaration of a method; throws with the list of methods when the id is unknown. */
export function getMethod(id: string): MethodDeclaration {
  const m = METHODS.find((d) => d.id === id);
  if (!m) throw new Error(`Unknown method '${id}'. Known methods: ${METHOD_IDS.join(', ')}`);
  return m;
}

/** A method's param spec by id, or undefined. */
export function methodParam(method: MethodId, id: string): ParamSpec | undefined {
  return getMethod(method).params.find((p) => p.id === id);
}
