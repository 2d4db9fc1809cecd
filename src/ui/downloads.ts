// Files the page hands to the learner (metrics as CSV or JSON, a student's weights) and the
// weight files the learner hands back.
import type { WeightFiles } from '../worker/protocol';
import { metricsCsv, metricsJson } from '../state/exportMetrics';
import type { PlaygroundState } from './playgroundState';

/** Save `data` as a file named `name` through the browser's download. */
export function download(name: string, data: string | ArrayBuffer, type: string): void {
  const url = URL.createObjectURL(new Blob([data], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

type Run = Pick<PlaygroundState, 'spec' | 'records' | 'studentStarts'>;

export function downloadCsv({ spec, records, studentStarts }: Run, labels: string[]): void {
  download('alembic-metrics.csv', metricsCsv(spec, records, labels, studentStarts), 'text/csv');
}

export function downloadJson({ spec, records, studentStarts }: Run, labels: string[], link: string): void {
  download('alembic-metrics.json', metricsJson(spec, records, labels, link, studentStarts), 'application/json');
}

export function downloadWeightFiles(files: WeightFiles): void {
  download('model.json', files.modelJson, 'application/json');
  download('weights.bin', files.weights, 'application/octet-stream');
}

/** The model.json and weights file among those the learner chose, or null if either is missing. */
export function pickWeightFiles(files: FileList | File[]): { json: File; bin: File } | null {
  const list = [...files];
  const json = list.find((f) => f.name.endsWith('.json'));
  const bin = list.find((f) => !f.name.endsWith('.json'));
  return json && bin ? { json, bin } : null;
}

export async function readWeightFiles({ json, bin }: { json: File; bin: File }): Promise<WeightFiles> {
  return { modelJson: await json.text(), weights: await bin.arrayBuffer() };
}
