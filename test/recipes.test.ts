// Exported TRL recipes: every method gets one, the settings reach config.yaml with the values
// of the run (defaults included), and each README says how every setting maps.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { unzipSync, strFromU8 } from 'fflate';
import { METHODS, getMethod } from '../src/engine/methods/declarations';
import { SHARED_PARAMS } from '../src/engine/settings';
import { getTask } from '../src/engine/tasks';
import { decodeHash } from '../src/state/url';
import { defaultSpec, resolveSpec } from '../src/shared/runSpec';
import { buildRecipe, maxNewTokens } from '../src/recipes/build';
import { recipeZip } from '../src/recipes/zip';
import { PINS } from '../src/recipes/versions';
import { ordersApart, ratioText } from '../src/recipes/paperScale';

function specOf(hash: string) {
  const d = decodeHash(hash);
  expect(d.problems).toEqual([]);
  return d.spec;
}

/** config.yaml's `args:` block as a plain object (the generator writes one `key: value` per line). */
function yamlArgs(text: string): Record<string, string> {
  const block = text.split('\nargs:\n')[1];
  return Object.fromEntries(
    block
      .trim()
      .split('\n')
      .map(
        (l) =>
          l
            .trim()
            .split(/: (.*)/s)
            .slice(0, 2) as [string, string],
      ),
  );
}

const file = (files: { path: string; content: string }[], path: string) => {
  const f = files.find((x) => x.path === path);
  if (!f) throw new Error(`no ${path} among ${files.map((x) => x.path).join(', ')}`);
  return f.content;
};

describe('TRL recipes', () => {
  it('every method gets a folder with train.py, config.yaml and a README', () => {
    const spec = { settings: defaultSpec().settings, lanes: METHODS.map((m) => resolveSpec({ lanes: [{ method: m.id }] }).spec.lanes[0]) };
    const files = buildRecipe(spec);
    METHODS.forEach((m, i) => {
      const dir = `student-${i + 1}-${m.id}`;
      expect(file(files, `${dir}/train.py`)).toContain('def main()');
      expect(file(files, `${dir}/config.yaml`)).toContain(`method: "${m.id}"`);
      expect(file(files, `${dir}/README.md`)).toContain('| playground setting | value | trainer field | maps | how |');
    });
    expect(file(files, 'README.md')).toContain('accelerate launch --num_processes 1');
    expect(file(files, 'README.md')).toContain('accelerate launch --multi_gpu --num_processes 4');
  });

  it('GKD maps λ → lmbda, β, τ_s → temperature and max new tokens onto TRL’s GKDConfig', () => {
    const files = buildRecipe(specOf('#task=reverse&lr=0.002&batchSize=16&steps=500&s1=gkd&s1.lambda=0.7&s1.beta=0.3&s1.sampleTemperature=0.8'));
    const cfg = file(files, 'student-1-gkd/config.yaml');
    const args = yamlArgs(cfg);
    expect(args).toMatchObject({
      lmbda: '0.7',
      beta: '0.3',
      temperature: '0.8',
      learning_rate: '0.002',
      per_device_train_batch_size: '16',
      max_steps: '500',
      seq_kd: 'false',
    });
    // reverse: window 24, the shortest held-out prompt decides the longest continuation.
    const task = getTask('reverse');
    expect(Number(args.max_new_tokens)).toBe(task.seqLen - 1 - Math.min(...task.heldOut.map((e) => e.prompt.length)));
    expect(maxNewTokens('reverse')).toBe(Number(args.max_new_tokens));
    expect(file(files, 'student-1-gkd/train.py')).toContain('from trl.experimental.gkd import GKDConfig, GKDTrainer');
    const readme = file(files, 'student-1-gkd/README.md');
    expect(readme).toMatch(/\| lambda \| 0\.7 \| lmbda \| exactly \|/);
    expect(readme).toMatch(/\| beta \| 0\.3 \| beta \| exactly \|/);
  });

  it('picks alembic_trl where TRL lacks the loss: TVD, KD at τ ≠ 1, AMMD, DistiLLM, X-KD, MiniLLM', () => {
    const files = buildRecipe(specOf('#s1=kd&s1.temperature=2&s2=gkd&s2.divergence=tvd&s3=kd&s3.temperature=1&s4=rkl'));
    expect(file(files, 'student-1-kd/train.py')).toContain('from alembic_trl.gkd_divergence import DivergenceGKDConfig, DivergenceGKDTrainer');
    expect(yamlArgs(file(files, 'student-1-kd/config.yaml'))).toMatchObject({ divergence: '"fkl"', divergence_temperature: '2', lmbda: '0', beta: '0' });
    expect(yamlArgs(file(files, 'student-2-gkd/config.yaml')).divergence).toBe('"tvd"');
    expect(file(files, 'student-3-kd/train.py')).toContain('from trl.experimental.gkd import GKDConfig, GKDTrainer');
    expect(yamlArgs(file(files, 'student-4-rkl/config.yaml'))).toMatchObject({ lmbda: '0', beta: '1' });
    const ours = buildRecipe(specOf('#s1=ammd&s2=distillm&s3=xkd&s4=minillm'));
    expect(file(ours, 'student-1-ammd/train.py')).toContain('from alembic_trl.ammd import AMMDConfig, AMMDTrainer');
    expect(file(ours, 'student-2-distillm/train.py')).toContain('from alembic_trl.distillm import DistiLLMConfig, DistiLLMTrainer');
    expect(file(ours, 'student-3-xkd/train.py')).toContain('from alembic_trl.xkd import XKDConfig, XKDTrainer');
    expect(file(ours, 'student-4-minillm/train.py')).toContain('from alembic_trl.minillm import MiniLLMConfig, MiniLLMTrainer');
  });

  it('AMMD’s config carries the playground’s current defaults, read from the method declaration', () => {
    const files = buildRecipe(specOf('#s1=ammd'));
    const args = yamlArgs(file(files, 'student-1-ammd/config.yaml'));
    const d = (id: string) => String(getMethod('ammd').params.find((p) => p.id === id)!.default);
    expect(args).toMatchObject({
      beta: d('beta'),
      bound: d('bound'),
      critic_steps: d('criticSteps'),
      penalty: d('penalty'),
      critic_lr_scale: d('criticLrScale'),
      policy_gradient: d('policyGradient'),
    });
  });

  it('every declared setting of every method, and every shared setting, has a row in its README', () => {
    const spec = { settings: defaultSpec().settings, lanes: METHODS.map((m) => resolveSpec({ lanes: [{ method: m.id }] }).spec.lanes[0]) };
    const files = buildRecipe(spec);
    METHODS.forEach((m, i) => {
      const readme = file(files, `student-${i + 1}-${m.id}/README.md`);
      const settings = readme
        .split('\n')
        .filter((l) => l.startsWith('| ') && !l.startsWith('| playground') && !l.startsWith('| ---'))
        .flatMap((l) => l.split(' | ')[0].slice(2).split(', '));
      for (const p of [...m.params, ...SHARED_PARAMS]) expect(settings, `${m.id}: ${p.id}`).toContain(p.id);
      expect(readme).toMatch(/\| (exactly|approximately|not at all) \|/);
    });
  });

  it('writes floats PyYAML reads as numbers, and the task’s examples as prompt/completion lines', () => {
    const files = buildRecipe(specOf('#task=addition&seed=3&s1=sft'));
    expect(yamlArgs(file(files, 'student-1-sft/config.yaml')).adam_epsilon).toBe('1.0e-7');
    const lines = file(files, 'data/train.jsonl')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { prompt: string; completion: string });
    expect(lines.length).toBe(256);
    for (const { prompt, completion } of lines.slice(0, 20)) {
      const [a, b] = prompt.slice(0, -1).split('+').map(Number);
      expect(prompt.endsWith('=')).toBe(true);
      expect(Number(completion)).toBe(a + b);
    }
  });

  it('writes each instructions example with its skill, the prompt’s first word', () => {
    const files = buildRecipe(specOf('#task=instructions&seed=2&s1=gkd'));
    for (const name of ['data/train.jsonl', 'data/eval.jsonl']) {
      const lines = file(files, name)
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { prompt: string; completion: string; skill: string });
      for (const { prompt, completion, skill } of lines) {
        expect(skill).toBe(prompt.split(' ')[0]);
        expect(getTask('instructions').score(prompt, completion)).toBe(1);
      }
      // Every skill is there (256 training lines, 64 held-out ones cycling through the six).
      expect(new Set(lines.map((l) => l.skill)).size).toBe(6);
    }
    expect(file(files, 'README.md')).toMatch(/each line also names its `skill`/);
    // Other tasks write no skill.
    expect(JSON.parse(file(buildRecipe(specOf('#task=reverse&s1=gkd')), 'data/train.jsonl').split('\n')[0])).not.toHaveProperty('skill');
  });

  it('the zip holds the same files, and the pins match recipes/requirements.txt', () => {
    const files = buildRecipe(specOf('#s1=gkd&s2=ammd'));
    const unzipped = unzipSync(recipeZip(files));
    expect(Object.keys(unzipped).sort()).toEqual(files.map((f) => `alembic-recipe/${f.path}`).sort());
    expect(strFromU8(unzipped['alembic-recipe/student-2-ammd/config.yaml'])).toBe(file(files, 'student-2-ammd/config.yaml'));
    const req = readFileSync('recipes/requirements.txt', 'utf8');
    for (const [name, version] of Object.entries(PINS)) expect(req).toContain(`${name}==${version}`);
  });
  it('maps AMMD’s critic choices and the learning-rate warm-up when a run has them', () => {
    const base = defaultSpec();
    const hyper = { ...base.lanes[0].hyper, critic: 'penalised', criticFeatures: 'both', criticWarmup: 5 };
    const files = buildRecipe({ settings: { ...base.settings, lrWarmup: 20 }, lanes: [{ method: 'ammd', hyper }] });
    const args = yamlArgs(file(files, 'student-1-ammd/config.yaml'));
    expect(args).toMatchObject({
      critic: '"penalised"',
      critic_features: '"both"',
      critic_warmup: '5',
      warmup_steps: '20',
      lr_scheduler_type: '"constant_with_warmup"',
    });
    const readme = file(files, 'student-1-ammd/README.md');
    expect(readme).toMatch(/\| critic \| penalised \| critic \| exactly \|/);
    expect(readme).toMatch(/\| lrWarmup \| 20 \| warmup_steps \| approximately \|/);
    const unknown = buildRecipe({ settings: base.settings, lanes: [{ method: 'ammd', hyper: { ...hyper, criticFeatures: 'something-new' } }] });
    expect(yamlArgs(file(unknown, 'student-1-ammd/config.yaml')).critic_features).toBe('"own"');
    expect(file(unknown, 'student-1-ammd/README.md')).toMatch(/\| criticFeatures \| something-new \| critic_features \| approximately \|/);
  });

  it('the 2025 methods export to their own trainers, none a stand-in', () => {
    const files = buildRecipe(specOf('#s1=opd&s2=taid&s3=distillm2&s4=skd'));
    const imports = (dir: string) => file(files, `${dir}/train.py`);
    expect(imports('student-1-opd')).toContain('from alembic_trl.opd import OPDConfig, OPDTrainer');
    expect(imports('student-2-taid')).toContain('from alembic_trl.taid import TAIDConfig, TAIDTrainer');
    expect(imports('student-3-distillm2')).toContain('from alembic_trl.distillm2 import DistiLLM2Config, DistiLLM2Trainer');
    expect(imports('student-4-skd')).toContain('from alembic_trl.skd import SKDConfig, SKDTrainer');
    expect(file(buildRecipe(specOf('#s1=abkd')), 'student-1-abkd/train.py')).toContain('from alembic_trl.abkd import ABKDConfig, ABKDTrainer');
    // The declarations' defaults reach the configs.
    const d = (m: string, id: string) => String(getMethod(m as 'opd').params.find((p) => p.id === id)!.default);
    expect(yamlArgs(file(files, 'student-1-opd/config.yaml'))).toMatchObject({
      variant: `"${d('opd', 'variant')}"`,
      gamma: d('opd', 'gamma'),
      sample_temperature: '1',
    });
    expect(yamlArgs(file(files, 'student-2-taid/config.yaml'))).toMatchObject({
      t_start: d('taid', 'tStart'),
      alpha: '0.0005',
      beta: d('taid', 'beta'),
      adaptive: 'true',
      t_end: '1',
    });
    expect(yamlArgs(file(files, 'student-3-distillm2/config.yaml'))).toMatchObject({
      alpha_teacher: '0.1',
      alpha_student: '0.1',
      beta: '1',
      sample_temperature: '0.8',
    });
    expect(yamlArgs(file(files, 'student-4-skd/config.yaml'))).toMatchObject({
      top_k: '3',
      sample_temperature: '0.5',
      teacher_temperature: '0.2',
      divergence: '"fkl"',
    });
    for (const f of files.filter((x) => x.path.endsWith('README.md'))) expect(f.content).not.toMatch(/not exported yet|stand-in|instead of/i);
    // K covering the playground's 44 tokens accepts every proposal: top_k 0 says so for any vocabulary.
    expect(yamlArgs(file(buildRecipe(specOf('#s1=skd&s1.topK=44')), 'student-1-skd/config.yaml')).top_k).toBe('0');
  });

  it('TRL’s DistillationTrainer where it is the exact match: on-policy, sampled at 1, a divergence it has', () => {
    const files = buildRecipe(
      specOf('#s1=opd&s1.variant=dense&s2=gkd&s2.lambda=1&s2.divergence=fkl&s3=gkd&s3.lambda=1&s3.beta=0.3&s4=opd&s4.variant=dense&s4.sampleTemperature=0.8'),
    );
    for (const dir of ['student-1-opd', 'student-2-gkd', 'student-3-gkd'])
      expect(file(files, `${dir}/train.py`)).toContain('from trl import DistillationConfig, DistillationTrainer');
    expect(file(files, 'student-1-opd/train.py')).toContain('train_dataset=train.select_columns(["prompt"])');
    const opd = yamlArgs(file(files, 'student-1-opd/config.yaml'));
    expect(opd).toMatchObject({ beta: '1', temperature: '1', max_completion_length: String(maxNewTokens('addition')), disable_dropout: 'true' });
    expect(opd).not.toHaveProperty('lmbda');
    expect(yamlArgs(file(files, 'student-2-gkd/config.yaml')).beta).toBe('0'); // forward KL
    expect(yamlArgs(file(files, 'student-3-gkd/config.yaml')).beta).toBe('0.3'); // the generalized JSD at the lane's β
    // Sampled at 0.8 DistillationTrainer would soften the divergence too: alembic_trl's OPDTrainer, dense.
    expect(file(files, 'student-4-opd/train.py')).toContain('from alembic_trl.opd import OPDConfig, OPDTrainer');
    expect(yamlArgs(file(files, 'student-4-opd/config.yaml'))).toMatchObject({ variant: '"dense"', sample_temperature: '0.8' });
    // λ < 1, τ_s ≠ 1 or TVD: the experimental GKDTrainer (or its alembic_trl subclass).
    const others = buildRecipe(specOf('#s1=gkd&s1.lambda=0.5&s2=gkd&s2.lambda=1&s2.sampleTemperature=0.8&s3=gkd&s3.lambda=1&s3.divergence=tvd'));
    expect(file(others, 'student-1-gkd/train.py')).toContain('from trl.experimental.gkd import GKDConfig, GKDTrainer');
    expect(file(others, 'student-2-gkd/train.py')).toContain('from trl.experimental.gkd import GKDConfig, GKDTrainer');
    expect(file(others, 'student-3-gkd/train.py')).toContain('DivergenceGKDTrainer');
  });

  it('carries alembic_trl itself and never asks for an Alembic checkout', () => {
    const files = buildRecipe(specOf('#s1=ammd&s2=sft'));
    expect(files.some((f) => f.path === 'alembic_trl/ammd.py')).toBe(true);
    for (const f of files.filter((x) => x.path.endsWith('.md') || x.path.endsWith('.yaml')))
      expect(f.content, f.path).not.toMatch(/checkout|recipes\/ package|pip install .*recipes/i);
    const top = file(files, 'README.md');
    expect(top).toContain('pip install -r requirements.txt');
    expect(top).toContain('`alembic_trl/`');
    // train.py of an alembic_trl trainer imports the copy in the folder above it; TRL's do not touch sys.path.
    expect(file(files, 'student-1-ammd/train.py')).toMatch(/sys\.path\.insert\(0, str\(HERE\.parent\)\)\nfrom alembic_trl\.ammd import/);
    expect(file(files, 'student-2-sft/train.py')).not.toContain('sys.path');
  });

  it('each README sets the playground’s learning rate, new tokens and batch beside the papers’, with the factor', () => {
    // Worked by hand: 0.001 / 5e-6 = 200; 256 / 9 ≈ 28.4; 128 / 32 = 4.
    expect(ratioText(0.001, 5e-6)).toBe('200× smaller there');
    expect(ratioText(9, 256)).toBe('28× larger there');
    expect(ratioText(32, 128)).toBe('4× larger there');
    expect(ratioText(32, 40)).toBe('about the same');
    expect([ordersApart(0.001, 1e-4), ordersApart(32, 128)]).toEqual([true, false]);
    const spec = { settings: defaultSpec().settings, lanes: METHODS.map((m) => resolveSpec({ lanes: [{ method: m.id }] }).spec.lanes[0]) };
    const files = buildRecipe(spec);
    METHODS.forEach((m, i) => {
      const readme = file(files, `student-${i + 1}-${m.id}/README.md`);
      expect(readme, m.id).toContain('## Playground scale and paper scale');
      expect(readme, m.id).toMatch(/\| learning rate \| 1e-3 \| /);
      expect(readme, m.id).toMatch(/\| sequences per step \| 32 \| /);
    });
    const minillm = file(files, `student-${METHODS.findIndex((m) => m.id === 'minillm') + 1}-minillm/README.md`);
    const tokens = maxNewTokens(String(spec.settings.task));
    expect(minillm).toContain(`| learning rate | 1e-3 | 5e-6 (200× smaller there) | 5e-6 (200× smaller there) |`);
    expect(minillm).toContain(`| new tokens per sample | ${tokens} | 256 (${Math.round(256 / tokens)}× larger there) |`);
    expect(minillm).toMatch(/Here the learning rate and the new tokens differ by an order of magnitude or more/);
    expect(minillm).toContain('microsoft/LMOps minillm/scripts/gpt2/minillm/train_base_xl.sh');
    // Nothing is sampled by SFT: no new-tokens row.
    expect(file(files, 'student-1-sft/README.md')).not.toContain('| new tokens per sample |');
  });
});
