// "What our runs found": the verdicts of the studies behind a method or a lesson, with links to
// their pages and charts (published by `npm run study` into public/findings). Shows nothing if
// the summary is missing, so the playground never depends on it.
import { memo, useEffect, useState } from 'react';
import { FINDINGS_BASE, loadFindings, type FindingsSummary } from '../state/findings';

const BASE = import.meta.env.BASE_URL;

export const Findings = memo(function Findings({ studies }: { studies: readonly string[] }) {
  const [summary, setSummary] = useState<FindingsSummary | null>(null);
  useEffect(() => {
    let live = true;
    void loadFindings(BASE).then((s) => live && setSummary(s));
    return () => {
      live = false;
    };
  }, []);
  const found = studies.flatMap((name) => (summary?.[name] ? [{ name, study: summary[name] }] : []));
  if (!found.length) return null;
  return (
    <details className="findings" data-testid="findings">
      <summary>What our runs found</summary>
      {found.map(({ name, study }) => (
        <div key={name} className="finding">
          <p>
            <a href={`${BASE}${FINDINGS_BASE}${study.page}`} target="_blank" rel="noreferrer">
              {study.title}
            </a>{' '}
            <span className="muted small">
              {study.seeds} seeds, {study.steps} steps ·{' '}
              <a href={`${BASE}${FINDINGS_BASE}${study.chart}`} target="_blank" rel="noreferrer">
                curves
              </a>
            </span>
          </p>
          <ul>
            {study.claims.map((c) => (
              <li key={c.claim} title={c.line}>
                <span className={`verdict verdict-${c.verdict.replace(' ', '-')}`}>{c.verdict}</span> {c.claim}
              </li>
            ))}
          </ul>
        </div>
      ))}
    </details>
  );
});
