// Method id → runtime. Each method's declaration (knobs, card) sits beside its runtime
// (X.declaration.ts next to X.ts); this is where the two meet. At this boundary the run's
// hyperparameters are read once per step through the declaration, checked and typed, so a
// runtime reads `ctx.hyper.beta`, never a string id, and a live change applies from the next step.
import { readValues, type ParamSpec, type ValuesOf } from '../params';
import type { MethodDeclaration, MethodId } from './types';
import type { MethodInputs, MethodRuntime, MethodSetup } from './runtime';
import { KD, RKL, SEQKD, SFT, TVD } from './basic.declaration';
import { kd, rkl, seqkd, sft, tvd } from './basic';
import { GKD } from './gkd.declaration';
import { gkd } from './gkd';
import { DISTILLM } from './distillm.declaration';
import { distillm } from './distillm';
import { MINILLM } from './minillm.declaration';
import { minillm } from './minillm';
import { AMMD } from './ammd.declaration';
import { ammd } from './ammd';
import { XKD } from './xkd.declaration';
import { xkd } from './xkd';
import { OPD } from './opd.declaration';
import { opd } from './opd';
import { TAID } from './taid.declaration';
import { taid } from './taid';
import { DISTILLM2 } from './distillm2.declaration';
import { distillm2 } from './distillm2';
import { SKD } from './skd.declaration';
import { skd } from './skd';
import { ABKD } from './abkd.declaration';
import { abkd } from './abkd';

type Factory = (inputs: MethodInputs) => MethodRuntime;

/** A declaration and its typed runtime, as a factory over the run's untyped values. */
function bind<const P extends readonly ParamSpec[]>(
  declaration: MethodDeclaration<P>,
  build: (setup: MethodSetup<ValuesOf<P>>) => MethodRuntime<ValuesOf<P>>,
): Factory {
  return (inputs) => {
    const current = () => readValues(declaration.params, inputs.hyper, declaration.id);
    const runtime = build({ ...inputs, hyper: current(), current });
    return { ...runtime, prepare: (ctx) => runtime.prepare({ ...ctx, hyper: readValues(declaration.params, ctx.hyper, declaration.id) }) };
  };
}

const FACTORIES: Record<MethodId, Factory> = {
  sft: bind(SFT, sft),
  seqkd: bind(SEQKD, seqkd),
  kd: bind(KD, kd),
  rkl: bind(RKL, rkl),
  tvd: bind(TVD, tvd),
  gkd: bind(GKD, gkd),
  distillm: bind(DISTILLM, distillm),
  minillm: bind(MINILLM, minillm),
  ammd: bind(AMMD, ammd),
  xkd: bind(XKD, xkd),
  opd: bind(OPD, opd),
  taid: bind(TAID, taid),
  distillm2: bind(DISTILLM2, distillm2),
  skd: bind(SKD, skd),
  abkd: bind(ABKD, abkd),
};

export function createMethod(id: MethodId, inputs: MethodInputs): MethodRuntime {
  const factory = FACTORIES[id];
  if (!factory) throw new Error(`Unknown method '${id}'`);
  return factory(inputs);
}
