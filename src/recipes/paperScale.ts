// The values the papers' own training scripts use for real models, shown in each recipe's README
// beside the playground's: a student of a few thousand parameters trains at a learning rate that
// would wreck a model of a billion, samples a handful of tokens where a paper samples hundreds,
// and takes a batch of a few dozen. Each reference names the file its numbers were read from; a
// method without a published script says so and shows the setup its paper is evaluated on.
import type { TrainerChoice } from './mappingRows';

export interface ScaleReference {
  /** What was trained: the models and the setup, as short as a column header. */
  label: string;
  /** Where the numbers come from (repository and file, or the trainer's defaults). */
  source: string;
  lr: number;
  /** Longest sampled continuation, or null where the method samples nothing. */
  newTokens: number | null;
  /** Sequences per optimizer step over all devices, or null where the script does not fix it. */
  batch: number | null;
  /** How the batch is made up, or why it is not given. */
  batchNote: string;
}

// DistiLLM's GPT-2 scripts (jongwooko/distillm, scripts/gpt2/…): GPT-2 base (0.1B) students of a
// GPT-2 XL teacher on Dolly, 16 GPUs, prompts up to 256 tokens in a 512-token window.
const gpt2 = (file: string, lr: number, perGpu: number, newTokens: number | null): ScaleReference => ({
  label: 'GPT-2 base (0.1B) from GPT-2 XL, Dolly',
  source: `DistiLLM’s scripts, jongwooko/distillm ${file}`,
  lr,
  newTokens,
  batch: perGpu * 16,
  batchNote: `${perGpu} per GPU × 16 GPUs`,
});

const DISTILLM_KD = gpt2('scripts/gpt2/kd/kd_base.sh', 5e-4, 2, null);

const REFERENCES: Record<string, ScaleReference[]> = {
  sft: [gpt2('scripts/gpt2/sft/sft_base.sh', 5e-4, 8, null)],
  seqkd: [gpt2('scripts/gpt2/seqkd/seqkd_base.sh', 5e-4, 2, 256)],
  kd: [DISTILLM_KD],
  rkl: [{ ...DISTILLM_KD, source: `${DISTILLM_KD.source} (the KD baseline of the same setup)` }],
  tvd: [{ ...DISTILLM_KD, source: `${DISTILLM_KD.source} (the KD baseline of the same setup)` }],
  gkd: [gpt2('scripts/gpt2/gkd/gkd_base.sh', 5e-4, 2, 256)],
  distillm: [gpt2('scripts/gpt2/distillm/train_0.1B_1.5B.sh', 5e-4, 8, 256)],
  minillm: [
    {
      label: 'GPT-2 base (0.1B) from GPT-2 XL, Dolly',
      source: 'MiniLLM’s scripts, microsoft/LMOps minillm/scripts/gpt2/minillm/train_base_xl.sh',
      lr: 5e-6,
      newTokens: 256,
      batch: 128,
      batchNote: '8 per GPU × 16 GPUs',
    },
    {
      label: 'Qwen2.5 1.5B from 7B, Dolly',
      source: 'microsoft/LMOps minillm/scripts/qwen2.5/minillm/train_1.5B_7B.sh',
      lr: 5e-6,
      newTokens: 256,
      batch: 64,
      batchNote: '8 per GPU × 2 accumulation × 4 data-parallel groups',
    },
  ],
  ammd: [
    {
      ...gpt2('scripts/gpt2/distillm/train_0.1B_1.5B.sh', 5e-4, 8, 256),
      source:
        'AMMD has no published training script; DistiLLM’s script for the GPT-2/Dolly benchmark its paper is evaluated on (jongwooko/distillm scripts/gpt2/distillm/train_0.1B_1.5B.sh)',
    },
  ],
  xkd: [
    {
      ...gpt2('scripts/gpt2/seqkd/seqkd_base.sh', 5e-4, 2, 256),
      source:
        'X-KD has no published training script; DistiLLM’s SeqKD script for the GPT-2/Dolly benchmark (jongwooko/distillm scripts/gpt2/seqkd/seqkd_base.sh)',
    },
  ],
  opd: [
    {
      label: 'Qwen3-8B-Base from Qwen3-8B, LoRA rank 128',
      source: 'Thinking Machines’ recipe, thinking-machines-lab/tinker-cookbook tinker_cookbook/recipes/distillation/on_policy_distillation.py',
      lr: 1e-4,
      newTokens: 4096,
      batch: 4096,
      batchNote: '1024 prompts × 4 samples each',
    },
  ],
  taid: [
    {
      label: 'TinyLlama from Llama-2 and others, UltraChat, 8 × H100',
      source: 'TAID’s defaults, SakanaAI/TAID src/arguments.py and scripts/*/taid.sh',
      lr: 1e-4,
      newTokens: null,
      batch: null,
      batchNote: 'not read from the scripts',
    },
  ],
  distillm2: [
    {
      label: 'Qwen2 1.5B from Qwen2 7B, LoRA rank 16, UltraChat',
      source:
        'DistiLLM-2’s training config training_configs/qwen2-1.5b-distillm2.yaml, as in the fork lyx0727/distillm-2 of the official repository (responses generated once beforehand, at temperature 0.8, up to 1024 tokens)',
      lr: 5e-5,
      newTokens: 1024,
      batch: null,
      batchNote: '1 per device × 8 accumulation steps, times the devices',
    },
  ],
  skd: [
    {
      label: 'Gemma 2B from Gemma 7B, 8 GPUs',
      source: 'SKD’s configuration, google-research/google-research speculative_kd/config/kd_train.yaml (top_k 25)',
      lr: 1e-5,
      newTokens: 128,
      batch: null,
      batchNote: 'the per-device batch is not in the file (8 processes, no accumulation)',
    },
  ],
  abkd: [
    {
      ...DISTILLM_KD,
      source: 'DistiLLM’s GPT-2 KD script (jongwooko/distillm scripts/gpt2/kd/kd_base.sh), the code base ABKD’s GPT-2 scripts are built on',
    },
  ],
};

/** TRL's own defaults where the trainer is TRL's: what it would use had the recipe not set a value. */
const TRL_DEFAULTS: Record<string, Omit<ScaleReference, 'label' | 'source'>> = {
  SFTConfig: { lr: 2e-5, newTokens: null, batch: 8, batchNote: 'per device' },
  GKDConfig: { lr: 2e-5, newTokens: 128, batch: 8, batchNote: 'per device' },
  DivergenceGKDConfig: { lr: 2e-5, newTokens: 128, batch: 8, batchNote: 'per device (GKDConfig’s)' },
  DistillationConfig: { lr: 1e-6, newTokens: 512, batch: 8, batchNote: 'per device' },
};

/** The references shown beside the playground's values for one student. */
export function paperScale(method: string, choice: TrainerChoice): ScaleReference[] {
  const refs = [...(REFERENCES[method] ?? [])];
  const trl = TRL_DEFAULTS[choice.config];
  if (trl) refs.push({ label: `TRL’s ${choice.config} defaults`, source: `trl 1.16 ${choice.config} (full fine-tuning)`, ...trl });
  return refs;
}

/** How many times larger or smaller `ours` is than `theirs`, in words ('100× smaller'); '' within 1.5×. */
export function ratioText(ours: number, theirs: number): string {
  const r = ours / theirs;
  if (r >= 1 / 1.5 && r <= 1.5) return 'about the same';
  const factor = r > 1 ? r : 1 / r;
  const shown = factor >= 10 ? Math.round(factor).toLocaleString('en-US') : factor.toFixed(1).replace(/\.0$/, '');
  return `${shown}× ${r > 1 ? 'smaller' : 'larger'} there`;
}

/** True when two values differ by a factor of 10 or more. */
export function ordersApart(a: number, b: number): boolean {
  return a / b >= 10 || b / a >= 10;
}
