// What our own runs found (docs/findings, published to public/findings by `npm run study`), and
// which study speaks to which method and lesson, so a card or preset can show the evidence.
// Plain data and one fetch: no TensorFlow.js here.

import type { FindingsSummary } from '../shared/findings';

export type { FindingsSummary, StudySummary, Verdict } from '../shared/findings';

/** The studies whose arms use each method (src/cli/studies/definitions.ts). */
export const METHOD_STUDIES: Readonly<Record<string, readonly string[]>> = {
  gkd: ['exposure-bias', 'mode-seeking', 'head-to-head', 'minillm-xkd', 'default-lr'],
  kd: ['mode-seeking'],
  rkl: ['mode-seeking'],
  tvd: ['mode-seeking'],
  ammd: ['head-to-head', 'ammd-critic', 'moment-matching'],
  seqkd: ['head-to-head', 'minillm-xkd'],
  distillm: ['skew', 'head-to-head'],
  minillm: ['minillm-xkd', 'head-to-head'],
  xkd: ['minillm-xkd'],
};

/** Where the published findings are served, under the app's base URL. */
export const FINDINGS_BASE = 'findings/';

let loading: Promise<FindingsSummary | null> | null = null;

/** The published summary, fetched once; null when it is missing or unreadable (the app works without it). */
export function loadFindings(base = ''): Promise<FindingsSummary | null> {
  loading ??= fetch(`${base}${FINDINGS_BASE}summary.json`)
    .then((r) => (r.ok ? (r.json() as Promise<FindingsSummary>) : null))
    .catch(() => null);
  return loading;
}
