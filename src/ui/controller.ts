// The page's state and every action on it, outside React. The run itself (worker, run machine,
// events, saving, recovery) is ./runController.ts; here are the learner's actions on top of it:
// edits of the experiment (pure, in ./configEdits), the link, lessons, looking inside a step,
// downloads. React components read snapshots through useSyncExternalStore.
import type { ParamValue } from '../engine/params';
import { HALT_FIX_SETTINGS } from '../worker/protocol';
import { resolveSpec, specsEqual, type RunSpec } from '../shared/runSpec';
import { laneLabel } from '../state/config';
import { getPreset } from '../state/presets';
import { loadLessonIndex } from '../state/lessons';
import type { DecodedHash } from '../state/url';
import { RunController } from './runController';
import { freshRun } from './playgroundState';
import { editParam, withAddedLane, withLiveMark, withMethod, withoutLane } from './configEdits';
import { UrlSync } from './urlSync';
import { downloadCsv, downloadJson, downloadWeightFiles, pickWeightFiles, readWeightFiles } from './downloads';
import { shortValue } from './format';
import { ownsExperiment } from './lesson/lessonFlow';

export type { ChartMark, PlaygroundState, TeacherInfo } from './playgroundState';
export type { Notice } from './notices';

const INSPECT_EVERY_MS = 2000;

const RESTART_DEBOUNCE_MS = 350;

export class Playground extends RunController {
  private lastInspect = 0;
  private lessonOpenings = 0;

  /** A lesson opened afresh (or closed): no prediction yet, no band; a new opening takes the focus. */
  private lessonFields(lesson: string | null) {
    return { lesson, lessonPrediction: null, lessonPlayed: false, lessonOpened: lesson ? ++this.lessonOpenings : this.state.lessonOpened };
  }

  // ---- configuration ----
  /** Change a shared setting (lane null) or a student's hyperparameter. */
  setParam = (lane: number | null, id: string, value: ParamValue) => {
    const edit = editParam(this.state.spec, lane, id, value);
    if (!edit) return;
    if (edit.problems.length) this.notify('warn', 'Adjusted:', edit.problems);
    this.set({ spec: edit.spec });
    this.closeLessonIfNotOwned();
    this.url.write(this.state);
    if (!edit.live) {
      this.restartChanges.note(lane, edit, id);
      return this.scheduleRestart();
    }
    if (this.state.lanesReady) this.client?.send({ type: 'setParam', lane, id, value: edit.after });
    if (HALT_FIX_SETTINGS.includes(id)) this.clearHalts(lane === null ? this.state.halts.map((_, i) => i) : [lane]);
    if (edit.after !== edit.before) {
      this.set({ marks: withLiveMark(this.state.marks, this.state.step, lane, id, edit.name, shortValue(edit.before), shortValue(edit.after)) });
    }
    this.saver.schedule(1000);
  };

  /** Presenter mode on or off; kept in the link so a projector link opens in it. */
  setPresent = (present: boolean) => {
    this.set({ present });
    this.url.write(this.state);
  };
  setMethod = (lane: number, method: string) => this.applySpec(withMethod(this.state.spec, lane, method), false);
  addLane = () => this.applySpec(withAddedLane(this.state.spec), false);
  removeLane = (lane: number) => this.applySpec(withoutLane(this.state.spec, lane), false);

  // ---- lessons ----
  /** Open a lesson on its own experiment; it stands still until the learner has predicted and pressed Play. */
  applyPreset = (id: string) => {
    const preset = getPreset(id);
    if (!preset) return;
    const { spec, problems } = resolveSpec(preset.spec);
    if (problems.length) this.notify('warn', `Preset '${preset.title}' was adjusted:`, problems);
    this.applySpec(spec, true, id);
  };
  closeLesson = () => {
    this.set(this.lessonFields(null));
    this.url.write(this.state);
  };
  /** The learner's prediction (a lane); fixed once Play was pressed after it. */
  predictLesson = (lane: number) => {
    if (this.state.lesson && !this.state.lessonPlayed) this.set({ lessonPrediction: lane });
  };

  protected playLimit(): number | undefined {
    const checkpoint = this.state.lesson ? getPreset(this.state.lesson)?.effect.checkpoint : undefined;
    return checkpoint !== undefined && this.state.step < checkpoint ? checkpoint : undefined;
  }
  protected played(): void {
    if (this.state.lesson && this.state.lessonPrediction !== null && !this.state.lessonPlayed) this.set({ lessonPlayed: true });
  }

  /** A lesson whose experiment was replaced (other students, another task) closes, saying why. */
  private closeLessonIfNotOwned() {
    const preset = this.state.lesson ? getPreset(this.state.lesson) : undefined;
    if (!preset || ownsExperiment(preset, this.state.spec)) return;
    this.set(this.lessonFields(null));
    this.notify('info', `The lesson “${preset.title}” closed: its question is about its own students and task, and the experiment now has others.`);
  }

  /** A lesson a link names opens only if its check holds (the page offers no other). */
  private async verifyLesson(id: string) {
    const index = await loadLessonIndex(import.meta.env.BASE_URL);
    if (this.state.lesson !== id || index?.[id]?.holds) return;
    this.set(this.lessonFields(null));
    this.url.write(this.state);
    this.notify(
      'warn',
      `The link names the lesson “${getPreset(id)?.title ?? id}”, but its check does not hold on this version (npm run lessons), so it is not offered.`,
    );
  }

  async start(): Promise<void> {
    await super.start();
    // A link naming a lesson but other students (or a saved run taken up instead) is not the lesson's.
    this.closeLessonIfNotOwned();
    if (this.state.lesson) void this.verifyLesson(this.state.lesson);
    this.url.write(this.state);
  }

  /**
   * Replace the whole experiment (null: no change) and restart, now or after a short pause for
   * sliders; `lesson` (a preset id, or null to close one) opens with it, standing still.
   */
  private applySpec(spec: RunSpec | null, now: boolean, lesson?: string | null) {
    if (!spec) return;
    const { spec: resolved } = resolveSpec(spec);
    // The run that ends becomes a ghost tagged with the lesson it ran under, before that changes.
    const ghosts = this.addGhost();
    this.set({ spec: resolved, ghosts, ...freshRun(resolved), ...(lesson !== undefined ? this.lessonFields(lesson) : {}) });
    this.closeLessonIfNotOwned();
    this.url.write(this.state);
    if (lesson) void this.verifyLesson(lesson);
    if (now) this.restart(false, lesson ? false : undefined);
    else this.scheduleRestart();
  }

  protected scheduleRestart() {
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.restartTimer = setTimeout(() => this.restart(true), RESTART_DEBOUNCE_MS);
  }

  setHidden = (ids: string[]) => {
    this.set({ hidden: ids });
    this.url.write(this.state);
  };

  /** The link to this experiment, optionally hiding controls (an instructor's link). */
  shareLink(hidden: readonly string[] = this.state.hidden, present = false): string {
    return UrlSync.link({ spec: this.state.spec, hidden, present, lesson: this.state.lesson });
  }

  protected onLinkChanged(decoded: DecodedHash) {
    if (decoded.problems.length) this.notify('warn', 'This link had settings that could not be used as given; they were adjusted:', decoded.problems);
    this.set({ hidden: decoded.hidden, present: decoded.present });
    // A link without the open lesson closes it (the experiment is no longer the lesson's).
    const lesson = decoded.lesson !== this.state.lesson ? decoded.lesson : undefined;
    if (!specsEqual(decoded.spec, this.state.spec)) this.applySpec(decoded.spec, true, lesson);
    else if (lesson !== undefined) {
      this.set(this.lessonFields(lesson));
      this.url.write(this.state);
      if (lesson) void this.verifyLesson(lesson);
    }
  }

  // ---- looking inside ----
  /** Explain one step of a student's method on held-out example `example` (pauses the run). */
  explain = (lane: number, example = 0) => {
    if (!this.state.lanesReady) return;
    this.pause(); // a slow-motion step is watched with the run standing still
    this.client?.send({ type: 'explain', lane, example });
    this.set({ explanation: { lane, step: this.state.step, pending: true, data: this.state.explanation?.data ?? null } });
  };
  closeExplanation = () => this.set({ explanation: null });

  setInspectLane = (lane: number) => {
    this.set({ inspectLane: lane });
    this.requestInspect(true);
  };

  protected requestInspect(force: boolean) {
    const now = performance.now();
    if (!force && now - this.lastInspect < INSPECT_EVERY_MS) return;
    if (this.state.inspectLane >= this.state.spec.lanes.length) return;
    this.lastInspect = now;
    this.client?.send({ type: 'inspect', lane: this.state.inspectLane });
  }

  // ---- keeping ----
  labels(): string[] {
    return this.state.spec.lanes.map((_, i) => laneLabel(this.state.spec, i));
  }
  exportCsv = () => downloadCsv(this.state, this.labels());
  exportJson = () => downloadJson(this.state, this.labels(), this.shareLink());

  downloadWeights = async (lane: number) => {
    if (!this.client) return;
    try {
      downloadWeightFiles(await this.client.saveWeights(lane));
    } catch (e) {
      this.notify('error', `Could not save the student's weights: ${(e as Error).message}`);
    }
  };

  /** Load a student from model.json + weights.bin chosen by the user; a bad file changes nothing. */
  loadWeightsFiles = async (lane: number, files: FileList | File[]) => {
    const chosen = pickWeightFiles(files);
    if (!chosen) {
      return this.notify('error', 'Choose both files of a TensorFlow.js model: model.json and its weights file (weights.bin). Nothing was changed.');
    }
    const names = `${chosen.json.name} + ${chosen.bin.name}`;
    try {
      await this.client!.loadWeights(lane, await readWeightFiles(chosen));
      this.clearHalts([lane]); // the halt was about the old weights: it leaves with them
      this.notify('info', `Loaded ${names} into student ${lane + 1}.`);
      this.requestInspect(true);
      this.saver.schedule(0);
    } catch (e) {
      this.notify('error', `Could not load ${names}: ${(e as Error).message}. Nothing was changed.`);
    }
  };
}
