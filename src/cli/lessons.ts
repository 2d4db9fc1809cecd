// npm run lessons [-- --lesson ID[,ID…]] [--seeds N] [--backend wasm|cpu] [--cache DIR] [--out DIR]
// Verifies every lesson (src/state/presets.ts): runs its students headless over seeds 1..N at the
// lesson's own budget, checks its effect at its checkpoint (each of its comparisons: means in the
// stated direction, ±1 sd bands apart), and writes docs/lessons/<id>.md + .svg and public/lessons/<id>.json, which
// the page draws as the expected band. Finished runs are cached, so a re-run only renders.
// Exits 1 when any lesson's check does not hold.
import { execSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { commandLine, type Fail } from './args';
import { prepareOutputFolder, writingOutput } from './outputFiles';
import { PRESETS } from '../state/presets';
import { lessonHolds } from '../state/lessons';

const USAGE = `usage: npm run lessons [-- --lesson ID[,ID...]] [--seeds N] [--backend wasm|cpu] [--cache DIR] [--out DIR]
lessons: ${PRESETS.map((p) => p.id).join(', ')}`;

const cli = commandLine(USAGE, {
  options: {
    lesson: { type: 'string' },
    seeds: { type: 'string' },
    backend: { type: 'string', default: 'wasm' },
    cache: { type: 'string', default: join('/tmp', 'alembic-lessons') },
    out: { type: 'string' },
  },
});
const args = cli.values;
const fail: Fail = cli.fail;
// Each lesson runs its own number of seeds (3 unless it says) unless --seeds asks for another.
const seeds = args.seeds === undefined ? undefined : cli.whole('seeds', args.seeds);
const backendName = cli.oneOf('backend', args.backend, ['wasm', 'cpu'] as const);
const wanted = args.lesson ? args.lesson.split(',') : PRESETS.map((p) => p.id);
for (const id of wanted) if (!PRESETS.some((p) => p.id === id)) fail(`Unknown lesson '${id}'`);
const lessons = PRESETS.filter((p) => wanted.includes(p.id));

const { REPO_ROOT, loadModelDir, teacherDir } = await import('./nodeModel');
const docsDir = args.out ?? join(REPO_ROOT, 'docs', 'lessons');
const publicDir = args.out ? join(args.out, 'public') : join(REPO_ROOT, 'public', 'lessons');
// The output folders take files (or the command fails now, with exit code 5, not after its runs).
await prepareOutputFolder(docsDir);
await prepareOutputFolder(publicDir);
const { chooseBackend } = await import('../engine/backend');
const backend = await chooseBackend([backendName]);
const { verifyLesson } = await import('./lessons/run');
const { writeLesson, verdictLine } = await import('./lessons/render');

const commit = (() => {
  try {
    return execSync('git describe --always --dirty', { cwd: REPO_ROOT, encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
})();

const started = performance.now();
let failed = 0;
for (const preset of lessons) {
  const task = String(preset.spec.settings?.task);
  if (!existsSync(join(teacherDir(task), 'model.json'))) {
    console.error(`No teacher for '${task}' at ${teacherDir(task)}: run npm run train-teacher -- --task ${task}`);
    process.exit(1);
  }
  const { model: teacher } = loadModelDir(teacherDir(task));
  const t0 = performance.now();
  try {
    const { reference } = await verifyLesson(preset, {
      seeds,
      teacher,
      backend: backend.name,
      cacheDir: args.cache!,
      onRun: (lane, seed, run, ms) => {
        const at = run.records.find((r) => r.step === preset.effect.checkpoint)?.[preset.effect.metric];
        const shown = typeof at === 'number' ? at.toFixed(4) : 'none';
        console.error(
          `${preset.id}: student ${lane + 1} seed ${seed}: ${preset.effect.metric}@${preset.effect.checkpoint} ${shown}, ${(ms / 1000).toFixed(1)} s${ms < 50 ? ' (cached)' : ''}${run.halted ? ` HALTED ${run.halted}` : ''}`,
        );
      },
    });
    const ref = { ...reference, commit, command: `npm run lessons -- --lesson ${preset.id}${seeds === undefined ? '' : ` --seeds ${seeds}`}` };
    await writingOutput(docsDir, () => writeLesson(preset, ref, docsDir, publicDir));
    if (!lessonHolds(ref)) failed++;
    console.log(`${preset.id} (${((performance.now() - t0) / 60000).toFixed(1)} min): ${verdictLine(ref)}`);
  } finally {
    teacher.dispose();
  }
}
console.log(`${lessons.length - failed} of ${lessons.length} lessons hold; wall clock ${((performance.now() - started) / 60000).toFixed(1)} min`);
process.exit(failed ? 1 : 0);
