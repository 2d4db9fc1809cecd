// The typed messages between the page and the engine worker. Plain data only (structured
// clone): the page never imports TensorFlow.js, so nothing here may either.
import type { MetricRecord } from '../engine/metrics/record';
import type { ParamValue, ParamValues } from '../engine/params';
import type { WeightFiles } from '../engine/model/weightFiles';
import type { RunPhase } from '../shared/runMachine';
import { MAX_LANES, type RunSpec } from '../shared/runSpec';
import type { StudentStart } from '../engine/model/shippedStudents';
import type { BackendProbeFailure, BackendTiming } from '../engine/backendChoice';

export type { WeightFiles };

/** What chooseBackend() found, as the page shows it. */
export interface BackendInfo {
  name: string;
  adapter: { description: string; vendor: string; architecture: string; isFallbackAdapter: boolean } | null;
  fallbackReason: string | null;
  /** A software WebGPU adapter passed over for a faster backend ('auto'), or null. */
  skippedSoftwareAdapter: string | null;
  /** The backend the learner chose by name, when it could not start, and why; else null. */
  chosenFailed?: { name: string; reason: string } | null;
  /** The wasm backend's thread pool when wasm runs (else null), and why it holds one thread when it does. */
  threads?: { count: number; requested: number; threadedBinary: boolean; why: string | null } | null;
  /** 'auto' with more than one backend: the timings it chose by, or null. */
  measured?: {
    /** e.g. "WebGPU 41 ms/step · wasm 63 ms/step → WebGPU". */
    summary: string;
    timings: BackendTiming[];
    failures: BackendProbeFailure[];
    /** True when the choice was measured on an earlier load (remembered in this browser). */
    remembered: boolean;
    /** When it was measured (ms since the epoch). */
    at: number;
  } | null;
}

/** A saved run's students: weights per lane (null: start that one fresh) and the step reached. */
export interface RestoreData {
  step: number;
  weights: Array<WeightFiles | null>;
}

// ---- page → worker ----
export type Command =
  /**
   * Build (or rebuild) the run: teacher for the task, a fresh student per lane, step 0 and a
   * first evaluation. With `restore`, the students get saved weights and the step counter
   * instead (no evaluation: the page still has the saved history).
   */
  | { type: 'reset'; spec: RunSpec; restore?: RestoreData }
  /** Play; with `until`, stop by itself once the run reaches that step (a lesson's checkpoint). */
  | { type: 'start'; until?: number }
  | { type: 'pause' }
  /** Train `count` steps (each lane once per step), then stay paused. */
  | { type: 'step'; count: number }
  /** A live hyperparameter change; `lane` null means shared settings. */
  | { type: 'setParam'; lane: number | null; id: string; value: ParamValue }
  /** Ask for teacher and student continuations on the fixed held-out prompts, with both
   *  next-token distributions at every student position (small: 6 prompts × T × V). */
  | { type: 'inspect'; lane: number }
  /** Explain one step of this lane's method on a held-out example, on a scratch copy (pauses the run). */
  | { type: 'explain'; lane: number; example: number }
  | { type: 'saveWeights'; lane: number; requestId: number }
  /** Every student's weights and the one step they were all read at, for saving the run whole. */
  | { type: 'snapshot'; requestId: number }
  /** Replace a student's weights; `step` restores a persisted run's step counter. */
  | { type: 'loadWeights'; lane: number; files: WeightFiles; step?: number; requestId: number };

// ---- worker → page ----
export interface MemoryInfo {
  numTensors: number;
  numBytes: number;
  numBytesInGPU: number | null;
  numBytesInGPUAllocated: number | null;
}

export interface TeacherSample {
  prompt: string;
  output: string;
  reference: string;
}

export interface InspectToken {
  /** The token id and its printable label. */
  id: number;
  label: string;
  /** Total variation between teacher and student next-token distributions predicting this token. */
  divergence: number;
  /** Both next-token distributions over the vocabulary at that position (index = token id). */
  teacherDist: number[];
  studentDist: number[];
}

export interface InspectSample {
  prompt: string;
  teacher: string;
  /** The student's continuation, token by token. */
  student: InspectToken[];
  /** SKD: the continuation its sampler makes, each token kept from the student or the teacher's replacement. */
  interleaved?: Array<{ id: number; label: string; replaced: boolean; proposed: string }>;
}

/** One training step in slow motion (see engine/explain.ts), with token labels. */
export interface StepExplanation {
  method: string;
  /** Where the continuation came from: 'dataset', 'teacher', 'student', 'buffer', 'mixed', 'paired' or 'speculative'. */
  source: string;
  prompt: string;
  positions: Array<{ id: number; label: string; teacher: number[]; before: number[]; after: number[]; valueBefore: number; valueAfter: number }>;
  quantity: { kind: string; label: string; unit: string };
  loss: number | null;
  lr: number;
  /** The rate's place in the run's schedule: the run's step count, the warm-up length and the rate it rises to. */
  rate: { lr: number; step: number; warmup: number; base: number };
  /** ‖Δθ‖ of the step. */
  updateNorm: number;
  /** AMMD: the run's critics' gaps on the step's continuations (each summed over its tokens), beside the best critics'. */
  critics?: {
    kind: string;
    penalty: number;
    bound: number;
    on: CriticGaps;
    off: CriticGaps;
    /** The teacher's continuation of the same prompt (the off-policy one). */
    offContinuation: string;
  };
}

/** A continuation's moment gaps, summed over its `tokens` positions: the run's critic's, the best penalised critic's, the best bounded critic's (2R·Σ tvd). */
export interface CriticGaps {
  found: number;
  couldFind: number;
  best: number;
  tokens: number;
}

export type Event =
  | { type: 'backend'; info: BackendInfo }
  | { type: 'fatal'; message: string }
  | { type: 'teacher'; task: string; status: 'loading' }
  | { type: 'teacher'; task: string; status: 'missing'; message: string }
  | {
      type: 'teacher';
      task: string;
      status: 'ready';
      params: number;
      score: number | null;
      skillScores: Record<string, number> | null;
      samples: TeacherSample[];
    }
  /**
   * The run was rebuilt; `problems` lists settings the engine had to change, `notices` what the
   * page should know (e.g. no shipped warm-start student for this size), `studentStarts` how
   * each student began. `restoredStep` is set when saved weights were loaded (a failed restore
   * reports an error and starts fresh).
   */
  | { type: 'ready'; lanes: number; problems: string[]; notices: string[]; studentParams: number[]; studentStarts: StudentStart[]; restoredStep?: number }
  | { type: 'records'; records: Array<{ lane: number; record: MetricRecord }> }
  /**
   * Where the run is. `handled` counts the run commands (RUN_COMMANDS) the worker has finished:
   * the page knows how many it sent, so it can tell a status that answers its last command
   * from one sent before the worker saw it.
   */
  | { type: 'status'; phase: RunPhase; handled: number; step: number; stepsPerSec: number; memory: MemoryInfo }
  /** A lane stopped (NaN or Inf); the run is paused and keeps its last good state. */
  | { type: 'halted'; lane: number; step: number; reason: string }
  | { type: 'inspection'; lane: number; step: number; samples: InspectSample[] }
  | { type: 'explanation'; lane: number; step: number; explanation: StepExplanation }
  | { type: 'weights'; lane: number; requestId: number; files: WeightFiles }
  | { type: 'snapshot'; requestId: number; step: number; weights: WeightFiles[] }
  /** A sign of life, sent every second while the worker's event loop is free. */
  | { type: 'alive' }
  | { type: 'weightsLoaded'; lane: number; requestId: number; step: number }
  | { type: 'error'; context: string; message: string; requestId?: number };

/**
 * Settings whose change clears a halt: the halt message tells the learner to lower the learning
 * rate, so changing it lets the halted students train again (a reset or new weights do too).
 */
export const HALT_FIX_SETTINGS: readonly string[] = ['lr'];

/** The commands that change the run's phase; each is answered by a status once handled. */
const RUN_COMMANDS: ReadonlySet<Command['type']> = new Set(['reset', 'start', 'pause', 'step']);

export function isRunCommand(cmd: Command): boolean {
  return RUN_COMMANDS.has(cmd.type);
}

const COMMAND_TYPES = new Set(['reset', 'start', 'pause', 'step', 'setParam', 'inspect', 'explain', 'saveWeights', 'snapshot', 'loadWeights']);

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isInt = (v: unknown, lo: number, hi: number) => typeof v === 'number' && Number.isInteger(v) && v >= lo && v <= hi;
const isParamValue = (v: unknown) => (typeof v === 'number' && Number.isFinite(v)) || typeof v === 'string' || typeof v === 'boolean';
const isLane = (v: unknown) => isInt(v, 0, MAX_LANES - 1);

function isWeightFiles(v: unknown): v is WeightFiles {
  return isObj(v) && typeof v.modelJson === 'string' && v.weights instanceof ArrayBuffer;
}

function isParamValues(v: unknown): v is ParamValues {
  return isObj(v) && Object.values(v).every(isParamValue);
}

export function isRunSpec(v: unknown): v is RunSpec {
  return (
    isObj(v) &&
    isParamValues(v.settings) &&
    Array.isArray(v.lanes) &&
    v.lanes.length >= 1 &&
    v.lanes.length <= MAX_LANES &&
    v.lanes.every((l) => isObj(l) && typeof l.method === 'string' && isParamValues(l.hyper))
  );
}

/**
 * Check a message the worker received. Returns the reason it is not a valid Command, or null.
 * The worker answers a bad message with an 'error' event instead of guessing.
 */
export function commandProblem(msg: unknown): string | null {
  if (!isObj(msg) || typeof msg.type !== 'string') return 'message is not an object with a type';
  if (!COMMAND_TYPES.has(msg.type)) return `unknown command '${msg.type}'`;
  switch (msg.type) {
    case 'reset': {
      if (!isRunSpec(msg.spec)) return 'reset needs a spec with settings and 1–4 lanes';
      if (msg.restore === undefined) return null;
      const r = msg.restore;
      if (!isObj(r) || !isInt(r.step, 0, 1e9) || !Array.isArray(r.weights) || r.weights.length !== msg.spec.lanes.length) {
        return 'reset.restore needs a step and one weights entry (or null) per lane';
      }
      return r.weights.every((w) => w === null || isWeightFiles(w)) ? null : 'reset.restore weights must be model.json text and an ArrayBuffer';
    }
    case 'start':
      return msg.until === undefined || isInt(msg.until, 1, 1e9) ? null : 'start.until must be a positive whole step';
    case 'step':
      return isInt(msg.count, 1, 100000) ? null : 'step needs a count from 1 to 100000';
    case 'setParam':
      if (!(msg.lane === null || isLane(msg.lane))) return 'setParam needs a lane (0–3) or null';
      if (typeof msg.id !== 'string' || !msg.id) return 'setParam needs an id';
      return isParamValue(msg.value) ? null : 'setParam needs a finite number, string or boolean value';
    case 'inspect':
      return isLane(msg.lane) ? null : 'inspect needs a lane (0–3)';
    case 'explain':
      return isLane(msg.lane) && isInt(msg.example, 0, 1e6) ? null : 'explain needs a lane (0–3) and an example index';
    case 'saveWeights':
      return isLane(msg.lane) && typeof msg.requestId === 'number' ? null : 'saveWeights needs a lane and a requestId';
    case 'snapshot':
      return typeof msg.requestId === 'number' ? null : 'snapshot needs a requestId';
    case 'loadWeights': {
      if (!isLane(msg.lane) || typeof msg.requestId !== 'number') return 'loadWeights needs a lane and a requestId';
      if (!isWeightFiles(msg.files)) return 'loadWeights needs model.json text and an ArrayBuffer of weights';
      if (msg.step !== undefined && !isInt(msg.step, 0, 1e9)) return 'loadWeights step must be a non-negative integer';
      return null;
    }
    default:
      return null;
  }
}

export function isCommand(msg: unknown): msg is Command {
  return commandProblem(msg) === null;
}

/** Objects whose buffers should be transferred rather than copied with a message. */
export function transferables(msg: Command | Event): Transferable[] {
  if (msg.type === 'loadWeights' || msg.type === 'weights') return [msg.files.weights];
  if (msg.type === 'snapshot' && 'weights' in msg) return msg.weights.map((w) => w.weights);
  if (msg.type === 'reset' && msg.restore) return msg.restore.weights.flatMap((w) => (w ? [w.weights] : []));
  return [];
}
