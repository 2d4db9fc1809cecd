// What the page shows, as one snapshot: the experiment, what the worker reported, the run's
// phase, ghosts, notices and alerts. The controller (./controller.ts) is the only writer.
import type { MetricRecord } from '../engine/metrics/record';
import type { StudentStart } from '../engine/model/shippedStudents';
import type { BackendInfo, Event, InspectSample, MemoryInfo, StepExplanation } from '../worker/protocol';
import type { RunSpec } from '../shared/runSpec';
import type { RunPhase } from '../shared/runMachine';
import type { DecodedHash } from '../state/url';
import type { Ghost } from '../state/runs';
import type { Notice } from './notices';
import type { RunAlert } from './RunAlerts';

export type { Notice } from './notices';

export type TeacherInfo = Extract<Event, { type: 'teacher' }>;

/** A vertical mark on every chart: a live setting changed at `step`, or the run restarted. */
export interface ChartMark {
  step: number;
  kind: 'live' | 'restart';
  /** e.g. "lr 3e-3 → 5e-2"; `from`/`id` let a slider's drag update one mark. */
  text: string;
  id: string;
  lane: number | null;
  from: string;
}

export interface PlaygroundState {
  backend: BackendInfo | null;
  fatal: string | null;
  teacher: TeacherInfo | null;
  spec: RunSpec;
  hidden: string[];
  /** Presenter mode: large type, the sidebar folded to transport and lesson. */
  present: boolean;
  /** Live changes and restarts of the current run, drawn on the charts. */
  marks: ChartMark[];
  notices: Notice[];
  /** Students the worker built for the current spec (0 while building or without a teacher). */
  lanesReady: number;
  studentParams: number[];
  /** How each student of the current run began (a shipped SFT checkpoint, or scratch). */
  studentStarts: StudentStart[];
  busy: boolean;
  /** The run machine's phase on the page (see shared/runMachine). */
  phase: RunPhase;
  /** Whether the run counts as running: Pause offered, Step not (isActive of the machine). */
  running: boolean;
  step: number;
  stepsPerSec: number;
  memory: MemoryInfo | null;
  records: MetricRecord[][];
  halts: Array<string | null>;
  inspection: { lane: number; step: number; samples: InspectSample[] } | null;
  /** The step explainer: asked for (pending) or its answer. */
  explanation: { lane: number; step: number; pending: boolean; data: StepExplanation | null } | null;
  inspectLane: number;
  ghosts: Ghost[];
  lastSaved: number | null;
  /** The open lesson (a preset id): its panel replaces the notice a preset used to add. */
  lesson: string | null;
  /** The student the learner predicted for the open lesson (a lane), or null. */
  lessonPrediction: number | null;
  /** Play was pressed after the prediction: the lesson's expected band may be drawn. */
  lessonPlayed: boolean;
  /** Counts lesson openings: each one brings the panel into view and focus. */
  lessonOpened: number;
  /** Alerts tied to a cause (engine lost, saving failing, a newer run elsewhere): see RunAlerts. */
  alerts: RunAlert[];
  /** Play or Step was pressed while every student stood halted: say why nothing happens. */
  blockedPlay: boolean;
}

/** The page before the worker said anything: the experiment the link describes. */
export function initialState(decoded: DecodedHash): PlaygroundState {
  return {
    backend: null,
    fatal: null,
    teacher: null,
    spec: decoded.spec,
    hidden: decoded.hidden,
    present: decoded.present,
    marks: [],
    notices: [],
    lanesReady: 0,
    studentParams: [],
    studentStarts: [],
    busy: true,
    phase: 'idle',
    running: false,
    step: 0,
    stepsPerSec: 0,
    memory: null,
    records: decoded.spec.lanes.map(() => []),
    halts: decoded.spec.lanes.map(() => null),
    inspection: null,
    explanation: null,
    inspectLane: 0,
    ghosts: [],
    lastSaved: null,
    lesson: decoded.lesson,
    lessonPrediction: null,
    lessonPlayed: false,
    lessonOpened: 0,
    alerts: [],
    blockedPlay: false,
  };
}

/** Empty histories and no halts, one per lane of `spec` (a new run). */
export function freshRun(spec: RunSpec): Pick<PlaygroundState, 'records' | 'halts'> {
  return { records: spec.lanes.map(() => []), halts: spec.lanes.map(() => null) };
}

/** Every student stands halted: play and step cannot do anything until the cause is fixed. */
export function allHalted({ halts, lanesReady }: Pick<PlaygroundState, 'halts' | 'lanesReady'>): boolean {
  return lanesReady > 0 && halts.length > 0 && halts.every((h) => h !== null);
}

/** New metric records merged into the lanes' histories: a record at or before a lane's last step (a reset) replaces what follows. */
export function mergeRecords(histories: MetricRecord[][], incoming: ReadonlyArray<{ lane: number; record: MetricRecord }>): MetricRecord[][] {
  const records = histories.map((r) => r.slice());
  for (const { lane, record } of incoming) {
    const arr = records[lane];
    if (!arr) continue;
    if (arr.length && record.step <= arr[arr.length - 1].step) arr.splice(arr.findIndex((r) => r.step >= record.step));
    arr.push(record);
  }
  return records;
}
