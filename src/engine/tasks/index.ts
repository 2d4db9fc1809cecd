import { addition } from './addition';
import { reverse } from './reverse';
import { grammar } from './grammar';
import { instructions } from './instructions';
import type { Task, TaskId } from './task';

export const TASKS: Record<TaskId, Task> = { addition, reverse, grammar, instructions };
export const TASK_IDS = Object.keys(TASKS) as TaskId[];

export function getTask(id: string): Task {
  const task = (TASKS as Record<string, Task>)[id];
  if (!task) throw new Error(`Unknown task '${id}'. Known tasks: ${TASK_IDS.join(', ')}`);
  return task;
}

export type { Task, TaskId, Example } from './task';
