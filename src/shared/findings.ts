// The findings summary `npm run study` publishes (public/findings/summary.json) and the page
// reads: one entry per study with each claim's verdict. Types only.

export type Verdict = 'reproduced' | 'partly' | 'not reproduced' | 'not run';

export interface StudySummary {
  title: string;
  seeds: number;
  steps: number;
  arms: number;
  claims: Array<{ claim: string; verdict: Verdict; line: string }>;
  /** Paths relative to the findings folder. */
  page: string;
  chart: string;
}

export type FindingsSummary = Record<string, StudySummary>;
