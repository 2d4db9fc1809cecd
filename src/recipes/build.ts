// A run as Hugging Face TRL recipes: for each student a folder with train.py, config.yaml and a
// README that says which settings map exactly, approximately (how) or not at all, and the papers'
// values at real scale beside the playground's; at the top a README with the accelerate
// commands, the pinned requirements, examples of the task as a dataset, and the alembic_trl
// package itself, so the folder and PyPI are all a recipe needs. Plain data in, files out: the
// page zips them, the command line writes them.
import { getMethod, isMethodId } from '../engine/methods/declarations';
import type { ParamValue } from '../engine/params';
import { Rng } from '../engine/rng';
import { SHARED_PARAMS } from '../engine/settings';
import { getTask } from '../engine/tasks';
import type { RunSpec } from '../shared/runSpec';
import { mapStudent, type MappingRow, type StudentMapping } from './mapping';
import { trainScript } from './trainScript';
import { REQUIREMENTS, TESTED_WITH } from './versions';
import { yamlComment, yamlEntry, yamlSection } from './yamlText';
import { mdCode, mdLink, mdText } from './markdownText';
import { ALEMBIC_TRL_FILES } from './alembicTrlFiles';
import { ordersApart, paperScale, ratioText } from './paperScale';

export interface RecipeFile {
  path: string;
  content: string;
}

export const PLACEHOLDERS = { teacher: '<your-teacher-model-id>', student: '<your-student-model-id>', dataset: '<your-dataset-id>' } as const;

/** Training examples written as data/train.jsonl, and held-out ones as data/eval.jsonl. */
const TRAIN_EXAMPLES = 256;
const EVAL_EXAMPLES = 64;

/** Longest continuation the playground samples on a task: its window less BOS and the shortest prompt. */
export function maxNewTokens(taskId: string): number {
  const task = getTask(taskId);
  const shortest = Math.min(...task.heldOut.map((e) => e.prompt.length));
  return task.seqLen - 1 - shortest;
}

export function folderName(index: number, method: string): string {
  return `student-${index + 1}-${method}`;
}

export function buildRecipe(spec: RunSpec, opts: { link?: string } = {}): RecipeFile[] {
  const settings = spec.settings;
  const taskId = String(settings.task);
  const ctx = { settings, maxNewTokens: maxNewTokens(taskId) };
  const files: RecipeFile[] = [];
  const students = spec.lanes.map((lane, i) => {
    const mapping = mapStudent(lane.method, lane.hyper, ctx);
    addUnmapped(mapping.rows, lane.method, lane.hyper, settings);
    const dir = folderName(i, lane.method);
    mapping.args.output_dir = `out/${dir}`;
    const label = isMethodId(lane.method) ? getMethod(lane.method).label : lane.method;
    files.push({ path: `${dir}/config.yaml`, content: configYaml(lane.method, label, mapping, i, spec.lanes.length, opts.link) });
    files.push({
      path: `${dir}/train.py`,
      content: trainScript(mapping.choice, `Alembic recipe: ${label} (student ${i + 1} of ${spec.lanes.length}) with ${mapping.choice.trainer}.`),
    });
    files.push({ path: `${dir}/README.md`, content: studentReadme(dir, label, lane.method, mapping, settings) });
    return { dir, label, mapping };
  });
  const { train, evaluation } = taskExamples(taskId, Number(settings.seed));
  files.push({ path: 'data/train.jsonl', content: train });
  files.push({ path: 'data/eval.jsonl', content: evaluation });
  files.push({ path: 'requirements.txt', content: REQUIREMENTS });
  for (const [name, content] of Object.entries(ALEMBIC_TRL_FILES)) files.push({ path: `alembic_trl/${name}`, content });
  files.push({ path: 'README.md', content: topReadme(spec, students, opts.link) });
  return files;
}

/** Every declared setting the mapping did not mention gets a row saying it is not mapped. */
function addUnmapped(rows: MappingRow[], method: string, hyper: Record<string, ParamValue>, settings: Record<string, ParamValue>): void {
  const covered = new Set(rows.flatMap((r) => r.setting.split(',').map((s) => s.trim())));
  const declared = isMethodId(method) ? getMethod(method).params : [];
  for (const p of declared) {
    if (!covered.has(p.id)) rows.push({ setting: p.id, value: String(hyper[p.id]), field: '—', fit: 'none', note: 'Not mapped by this recipe.' });
  }
  for (const p of SHARED_PARAMS) {
    if (!covered.has(p.id)) rows.push({ setting: p.id, value: String(settings[p.id]), field: '—', fit: 'none', note: 'Not mapped by this recipe.' });
  }
}

function taskExamples(taskId: string, seed: number): { train: string; evaluation: string } {
  const task = getTask(taskId);
  const rng = new Rng(seed);
  // A task of several skills writes each example's skill too (the trainers read only prompt and
  // completion; the column is there to score a trained student per skill).
  const line = (e: { prompt: string; answer: string }) =>
    JSON.stringify({ prompt: e.prompt, completion: e.answer, ...(task.skillOf ? { skill: task.skillOf(e.prompt) } : {}) });
  const train = Array.from({ length: TRAIN_EXAMPLES }, () => line(task.sampleTrain(rng))).join('\n') + '\n';
  const evaluation = task.heldOut.slice(0, EVAL_EXAMPLES).map(line).join('\n') + '\n';
  return { train, evaluation };
}

function configYaml(method: string, label: string, m: StudentMapping, index: number, count: number, link?: string): string {
  const lines = [
    yamlComment(`Alembic recipe: ${label}, student ${index + 1} of ${count}.`),
    yamlComment(`Trainer: ${m.choice.module}.${m.choice.trainer} (${m.choice.trl ? 'TRL' : 'alembic_trl, in this recipe’s alembic_trl/ folder'}).`),
    yamlComment(`'args' are the keyword arguments of ${m.choice.config}; README.md says how each maps.`),
    ...(link !== undefined ? [yamlEntry(0, 'playground_link', link, 'the playground experiment this recipe was exported from')] : []),
    yamlEntry(0, 'method', method),
    yamlEntry(0, 'teacher', PLACEHOLDERS.teacher),
    yamlEntry(0, 'student', PLACEHOLDERS.student, 'ideally already fine-tuned on the task (the playground starts warm)'),
    yamlSection(0, 'dataset'),
    yamlEntry(2, 'train', PLACEHOLDERS.dataset, "or ../data/train.jsonl (examples of the playground's task)"),
    yamlEntry(2, 'eval', '../data/eval.jsonl', "held-out examples of the playground's task; null for none"),
    yamlEntry(2, 'prompt_field', 'prompt'),
    yamlEntry(2, 'completion_field', 'completion'),
    yamlSection(0, 'args'),
    ...Object.entries(m.args).map(([k, v]) => yamlEntry(2, k, v)),
  ];
  return lines.join('\n') + '\n';
}

const FIT_LABEL = { exact: 'exactly', approximate: 'approximately', none: 'not at all' } as const;

function mappingTable(rows: MappingRow[]): string {
  return [
    '| playground setting | value | trainer field | maps | how |',
    '| --- | --- | --- | --- | --- |',
    ...rows.map((r) => `| ${mdText(r.setting)} | ${mdText(r.value)} | ${mdText(r.field)} | ${FIT_LABEL[r.fit]} | ${mdText(r.note)} |`),
  ].join('\n');
}

function launchCommands(dir: string): string {
  return [
    '```sh',
    `# one GPU (or the CPU)`,
    `accelerate launch --num_processes 1 ${dir}/train.py --teacher T --student S --dataset D`,
    `# several GPUs on one machine (here 4): the global batch is 4 × per_device_train_batch_size`,
    `accelerate launch --multi_gpu --num_processes 4 ${dir}/train.py --teacher T --student S --dataset D --batch-size B`,
    '```',
  ].join('\n');
}

const layers = (n: unknown) => `${mdText(String(n))} layer${Number(n) === 1 ? '' : 's'}`;
const sci = (x: number) => (x >= 0.01 && x < 1000 ? String(x) : x.toExponential().replace(/e\+?/, 'e'));

/** The playground's learning rate, new tokens and batch beside the papers' scripts', with the factor between them. */
function scaleSection(method: string, m: StudentMapping, settings: Record<string, unknown>): string {
  const refs = paperScale(method, m.choice);
  if (!refs.length) return '';
  const lr = Number(settings.lr);
  const batch = Number(settings.batchSize);
  const newTokens =
    typeof m.args.max_new_tokens === 'number' ? m.args.max_new_tokens : typeof m.args.max_completion_length === 'number' ? m.args.max_completion_length : null;
  const cell = (theirs: number | null, ours: number | null, show: (x: number) => string, note = '') =>
    theirs === null ? (note ? mdText(note) : '—') : `${show(theirs)}${ours === null ? '' : ` (${ratioText(ours, theirs)})`}${note ? `, ${mdText(note)}` : ''}`;
  const rows = [
    `| learning rate | ${sci(lr)} | ${refs.map((r) => cell(r.lr, lr, sci)).join(' | ')} |`,
    ...(newTokens !== null ? [`| new tokens per sample | ${newTokens} | ${refs.map((r) => cell(r.newTokens, newTokens, String)).join(' | ')} |`] : []),
    `| sequences per step | ${batch} | ${refs.map((r) => cell(r.batch, batch, String, r.batchNote)).join(' | ')} |`,
  ];
  const far = [
    refs.some((r) => ordersApart(lr, r.lr)) ? 'the learning rate' : '',
    newTokens !== null && refs.some((r) => r.newTokens !== null && ordersApart(newTokens, r.newTokens)) ? 'the new tokens' : '',
    refs.some((r) => r.batch !== null && ordersApart(batch, r.batch)) ? 'the batch' : '',
  ].filter(Boolean);
  const apart = far.length
    ? `Here ${far.join(' and ').replace(/ and (?=.* and )/, ', ')} differ${far.length === 1 ? 's' : ''} by an order of magnitude or more: start a real model from the papers' values, not the playground's.`
    : 'None of these differs by an order of magnitude here, but check them against your model.';
  return `
## Playground scale and paper scale

\`config.yaml\` carries the playground's values, which suit its student (width ${mdText(String(settings.studentWidth))}, ${layers(settings.studentLayers)}, a 44-token vocabulary): a learning rate that trains such a toy in minutes would wreck a model of a billion parameters. At real scale the papers' scripts${refs.some((r) => r.label.startsWith('TRL')) ? ' and TRL’s own defaults' : ''} use:

| | playground | ${refs.map((r) => mdText(r.label)).join(' | ')} |
| --- | --- | ${refs.map(() => '---').join(' | ')} |
${rows.join('\n')}

${apart}

${refs.map((r) => `- ${mdText(r.label)}: ${mdText(r.source)}.`).join('\n')}
`;
}

function studentReadme(dir: string, label: string, method: string, m: StudentMapping, settings: Record<string, unknown>): string {
  const counts = { exact: 0, approximate: 0, none: 0 };
  for (const r of m.rows) counts[r.fit]++;
  return `# ${mdText(label)} with ${mdText(m.choice.trainer)}

Trainer: ${mdCode(`${m.choice.module}.${m.choice.trainer}`)} with ${mdCode(m.choice.config)}${m.choice.trl ? ' (TRL).' : ' (alembic_trl, in this recipe’s `alembic_trl/` folder, which `train.py` imports).'}
Method id in the playground: ${mdCode(method)}. Settings: ${counts.exact} map exactly, ${counts.approximate} approximately, ${counts.none} not at all.

Run from the recipe's root folder (T, S, D: your teacher, student and dataset ids or paths;
the student should share the teacher's tokenizer and vocabulary):

${launchCommands(dir)}

Or fill in \`teacher\`, \`student\` and \`dataset.train\` in \`config.yaml\` and drop the flags.
To try it on the playground's task data: \`--dataset ../data/train.jsonl\`.
${scaleSection(method, m, settings)}
## How each setting maps

${mappingTable(m.rows)}
`;
}

function topReadme(spec: RunSpec, students: Array<{ dir: string; label: string; mapping: StudentMapping }>, link?: string): string {
  const list = students
    .map((s) => `- ${mdCode(`${s.dir}/`)}: ${mdText(s.label)} with ${mdCode(s.mapping.choice.trainer)} (${s.mapping.choice.trl ? 'TRL' : 'alembic_trl'})`)
    .join('\n');
  return `# Alembic recipes for Hugging Face TRL

Exported from the Alembic playground${link ? ` (experiment: ${mdLink(link)})` : ''}: task ${mdCode(String(spec.settings.task))}, ${spec.lanes.length} student${spec.lanes.length > 1 ? 's' : ''}.

${list}

## Install

\`\`\`sh
python -m venv .venv && . .venv/bin/activate
pip install -r requirements.txt
\`\`\`

That is all: the trainers TRL lacks (alembic_trl: AMMD, DistiLLM, MiniLLM, X-KD, GKD with any
divergence, on-policy distillation, TAID, DistiLLM-2, SKD, ABKD) are in this folder's
\`alembic_trl/\`, which each \`train.py\` imports from the folder above it. Keep the folder
together; to use alembic_trl from scripts of your own, put this folder on \`PYTHONPATH\`.

Tested with ${TESTED_WITH}.

## Run

Each folder has \`train.py\`, \`config.yaml\` (placeholders for the teacher, student and dataset
ids, and every hyperparameter) and a README with a table of how each playground setting maps:
exactly, approximately (and how) or not at all, and the playground's learning rate, new tokens
and batch beside the values the papers' scripts use at real scale. For example:

${launchCommands(students[0].dir)}

\`data/train.jsonl\` and \`data/eval.jsonl\` hold examples of the playground's task as
prompt/completion pairs, the format the recipes read (any dataset with those two columns works;
set \`prompt_field\` and \`completion_field\` in config.yaml for other column names)${
    getTask(String(spec.settings.task)).skills ? '; each line also names its `skill`, so a trained student can be scored per skill' : ''
  }.
`;
}
