// The shape of a model: its configuration and every parameter's name, shape and initialisation,
// in the fixed order of the weight files. Plain data: no TensorFlow.js here.

export interface ModelConfig {
  vocabSize: number;
  /** Context length T; inputs are always [B, T] (fixed shapes keep the WebGPU buffer pool small). */
  seqLen: number;
  dModel: number;
  nLayers: number;
  nHeads: number;
}

type Init = 'normal' | 'residual' | 'zeros' | 'ones';
export interface ParamSpec {
  name: string;
  shape: number[];
  init: Init;
}

/** Every parameter of a model of this configuration, in a fixed order (the file order). */
export function parameterSpecs(c: ModelConfig): ParamSpec[] {
  const d = c.dModel;
  const specs: ParamSpec[] = [
    { name: 'tok_emb', shape: [c.vocabSize, d], init: 'normal' },
    { name: 'pos_emb', shape: [c.seqLen, d], init: 'normal' },
  ];
  for (let l = 0; l < c.nLayers; l++) {
    const p = `h${l}.`;
    specs.push(
      { name: p + 'ln1.g', shape: [d], init: 'ones' },
      { name: p + 'ln1.b', shape: [d], init: 'zeros' },
      { name: p + 'attn.wq', shape: [d, d], init: 'normal' },
      { name: p + 'attn.wk', shape: [d, d], init: 'normal' },
      { name: p + 'attn.wv', shape: [d, d], init: 'normal' },
      { name: p + 'attn.bq', shape: [d], init: 'zeros' },
      { name: p + 'attn.bk', shape: [d], init: 'zeros' },
      { name: p + 'attn.bv', shape: [d], init: 'zeros' },
      { name: p + 'attn.wo', shape: [d, d], init: 'residual' },
      { name: p + 'attn.bo', shape: [d], init: 'zeros' },
      { name: p + 'ln2.g', shape: [d], init: 'ones' },
      { name: p + 'ln2.b', shape: [d], init: 'zeros' },
      { name: p + 'mlp.w1', shape: [d, 4 * d], init: 'normal' },
      { name: p + 'mlp.b1', shape: [4 * d], init: 'zeros' },
      { name: p + 'mlp.w2', shape: [4 * d, d], init: 'residual' },
      { name: p + 'mlp.b2', shape: [d], init: 'zeros' },
    );
  }
  specs.push(
    { name: 'ln_f.g', shape: [d], init: 'ones' },
    { name: 'ln_f.b', shape: [d], init: 'zeros' },
    { name: 'head.w', shape: [d, c.vocabSize], init: 'normal' },
    { name: 'head.b', shape: [c.vocabSize], init: 'zeros' },
  );
  return specs;
}

export function countParameters(c: ModelConfig): number {
  return parameterSpecs(c).reduce((n, s) => n + s.shape.reduce((a, b) => a * b, 1), 0);
}

export function validateConfig(c: ModelConfig): void {
  for (const k of ['vocabSize', 'seqLen', 'dModel', 'nLayers', 'nHeads'] as const) {
    if (!Number.isInteger(c[k]) || c[k] < 1) throw new Error(`Model config: ${k} must be a positive integer, got ${c[k]}`);
  }
  if (c.dModel % c.nHeads !== 0) throw new Error(`Model config: dModel ${c.dModel} is not divisible by nHeads ${c.nHeads}`);
}
