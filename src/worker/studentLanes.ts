// The students of a run: one Trainer per lane, all on the shared teacher, each starting from a
// warm-start checkpoint of its size or from scratch, and whether each stands halted. The session
// decides when they step; here is what a step, a live change or a weight load does to them.
import { Trainer } from '../engine/trainer';
import type { BackendName } from '../engine/backend';
import type { Transformer } from '../engine/model/transformer';
import type { MetricRecord } from '../engine/metrics/record';
import type { ParamValue } from '../engine/params';
import type { ResolvedRun } from '../shared/runSpec';
import { HALT_FIX_SETTINGS, type Event, type RestoreData, type WeightFiles } from './protocol';
import type { StudentSource } from './student';
import { readWeights, weightArtifacts } from './weightFiles';

interface Lane {
  trainer: Trainer;
  halted: string | null;
}

export type LaneRecords = Array<{ lane: number; record: MetricRecord }>;

export class StudentLanes {
  private lanes: Lane[] = [];

  get trainers(): Trainer[] {
    return this.lanes.map((l) => l.trainer);
  }

  get count(): number {
    return this.lanes.length;
  }

  /** The furthest step any student reached (0 without students). */
  get step(): number {
    return this.lanes.length ? Math.max(...this.lanes.map((l) => l.trainer.step)) : 0;
  }

  /** The lanes that have not halted. */
  active(): number[] {
    return this.lanes.flatMap((l, i) => (l.halted ? [] : [i]));
  }

  anyHalted(): boolean {
    return this.lanes.some((l) => l.halted);
  }

  trainer(lane: number): Trainer | undefined {
    return this.lanes[lane]?.trainer;
  }

  /** One student per configuration of `run`; returns notices such as a size with no shipped student. */
  async build(run: ResolvedRun, teacher: Transformer, backendName: BackendName | undefined, students: StudentSource): Promise<string[]> {
    const notices = new Set<string>();
    for (const config of run.configs) {
      const start = await students.load(config);
      if (start && !start.model) notices.add(start.notice);
      const trainer = await Trainer.create(config, teacher, { backendName, evalPrompts: run.page.evalPrompts, initialStudent: start?.model });
      this.lanes.push({ trainer, halted: null });
    }
    return [...notices];
  }

  /** Every student's record now (the step-0 point every curve starts from). */
  async evaluateAll(): Promise<LaneRecords> {
    const records: LaneRecords = [];
    for (const [i, lane] of this.lanes.entries()) records.push({ lane: i, record: await lane.trainer.evaluate() });
    return records;
  }

  /**
   * One step of every live lane, round-robin; `record`: evaluate even off the schedule (a manual
   * step). A lane that halts is reported through `post` and stands still from then on.
   */
  async stepAll(record: boolean, post: (e: Event) => void): Promise<LaneRecords> {
    const records: LaneRecords = [];
    for (const i of this.active()) {
      const lane = this.lanes[i];
      const outcome = await lane.trainer.trainStep();
      if (outcome.halted) {
        lane.halted = outcome.halted;
        post({ type: 'halted', lane: i, step: outcome.step, reason: outcome.halted });
        continue;
      }
      const r = outcome.record ?? (record ? await lane.trainer.evaluate() : null);
      if (r) records.push({ lane: i, record: r });
    }
    return records;
  }

  /**
   * A live setting for one lane or all (null). The setting a halt message names lets those
   * students train again: true when that happened.
   */
  setLive(lane: number | null, id: string, value: ParamValue): boolean {
    const targets = lane === null ? this.lanes : this.lanes.slice(lane, lane + 1);
    for (const l of targets) l.trainer.setLive(id, value);
    if (!HALT_FIX_SETTINGS.includes(id) || !targets.some((l) => l.halted)) return false;
    for (const l of targets) l.halted = null;
    return true;
  }

  /** Replace a lane's student weights (its halt goes with the old ones); throws, changing nothing, when the files do not fit. */
  load(lane: number, files: WeightFiles, step?: number): number {
    const l = this.orThrow(lane);
    l.trainer.loadStudent(weightArtifacts(files));
    if (step !== undefined) l.trainer.continueFrom(step);
    l.halted = null;
    return l.trainer.step;
  }

  /** Saved weights into every lane, continuing at the saved step; throws if any does not fit. */
  restore(restore: RestoreData): void {
    restore.weights.forEach((w, i) => {
      if (w) this.load(i, w, restore.step);
      else this.lanes[i].trainer.continueFrom(restore.step);
    });
  }

  async readAll(): Promise<WeightFiles[]> {
    const weights: WeightFiles[] = [];
    for (const l of this.lanes) weights.push(await readWeights(l.trainer));
    return weights;
  }

  dispose(): void {
    for (const l of this.lanes) l.trainer.dispose();
    this.lanes = [];
  }

  trainerOrThrow(lane: number): Trainer {
    return this.orThrow(lane).trainer;
  }

  private orThrow(lane: number): Lane {
    const l = this.lanes[lane];
    if (!l) throw new Error(`There is no student ${lane + 1} in this run`);
    return l;
  }
}
