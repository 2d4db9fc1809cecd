// Method id → runtime. The declarations (knobs, cards) live in ./declarations.ts as plain data;
// this is the half that builds tensors. One file per method family beside it.
import type { MethodId } from './types';
import type { MethodRuntime, MethodSetup } from './runtime';
import { kd, rkl, seqkd, sft, tvd } from './basic';
import { gkd } from './gkd';
import { distillm } from './distillm';
import { minillm } from './minillm';
import { ammd } from './ammd';
import { xkd } from './xkd';

type Factory = (setup: MethodSetup) => MethodRuntime;

const FACTORIES: Record<MethodId, Factory> = {
  sft: () => sft(),
  seqkd: () => seqkd(),
  kd: () => kd(),
  rkl: () => rkl(),
  tvd: () => tvd(),
  gkd: () => gkd(),
  distillm: (s) => distillm(s.hyper, s.studentConfig.seqLen),
  minillm: () => minillm(),
  ammd: (s) => ammd(s),
  xkd: (s) => xkd(s),
};

export function createMethod(id: MethodId, setup: MethodSetup): MethodRuntime {
  const factory = FACTORIES[id];
  if (!factory) throw new Error(`Unknown method '${id}'`);
  return factory(setup);
}
