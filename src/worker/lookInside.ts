// Looking inside a student for the page: its samples beside the teacher's on held-out prompts,
// and one step of its method in slow motion, with token ids turned into labels.
import { inspectSamples } from '../engine/inspect';
import { explainStep } from '../engine/explain';
import type { Transformer } from '../engine/model/transformer';
import type { Trainer } from '../engine/trainer';
import { Rng } from '../engine/rng';
import { getTask } from '../engine/tasks';
import { tokenLabel } from '../engine/tasks/vocab';
import { getMethod } from '../engine/methods/declarations';
import { readValues } from '../engine/params';
import type { InspectSample, StepExplanation } from './protocol';
import { showcaseExamples } from './teacher';

/** The student's continuations of the showcase prompts, token by token against the teacher's. */
export async function studentSamples(teacher: Transformer, task: string, trainer: Trainer): Promise<InspectSample[]> {
  const t = getTask(task);
  const prompts = showcaseExamples(t).map((e) => e.prompt);
  const temperature = t.scoring === 'greedy-exact-match' ? 0 : 1;
  const seed = Number(trainer.config.settings.seed ?? 1);
  // A method whose teacher replaces student tokens (SKD) shows its interleaved continuation too.
  const method = getMethod(trainer.config.method);
  const speculative = method.speculative?.(readValues(method.params, trainer.config.hyper, method.id));
  const raw = await inspectSamples(teacher, trainer.student, prompts, { temperature, noiseState: new Rng(seed + 7919).state(), speculative });
  return raw.map((s) => ({
    prompt: s.prompt,
    teacher: s.teacherIds.map(tokenLabel).join(''),
    student: s.student.map((t) => ({ id: t.id, label: tokenLabel(t.id), divergence: t.divergence, teacherDist: t.teacher, studentDist: t.student })),
    ...(s.interleaved
      ? { interleaved: s.interleaved.map((t) => ({ id: t.id, label: tokenLabel(t.id), replaced: t.replaced, proposed: tokenLabel(t.proposed) })) }
      : {}),
  }));
}

/** One step of the trainer's method on held-out example `example`, on a scratch copy. */
export async function explainOneStep(trainer: Trainer, task: string, example: number): Promise<StepExplanation> {
  const examples = getTask(task).heldOut;
  const { critics, ...e } = await explainStep(trainer, examples[example % examples.length]);
  return {
    ...e,
    prompt: e.prompt.map(tokenLabel).join(''),
    positions: e.positions.map(({ token, ...p }) => ({ id: token, label: tokenLabel(token), ...p })),
    ...(critics
      ? {
          critics: {
            kind: critics.kind,
            penalty: critics.penalty,
            bound: critics.bound,
            on: critics.on,
            off: critics.off,
            offContinuation: critics.offPositions.map((p) => tokenLabel(p.token)).join(''),
          },
        }
      : {}),
  };
}
