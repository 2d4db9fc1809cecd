// Notices: what a link had to change, restored runs, load errors. Dismissable, announced politely.
import { memo } from 'react';
import type { Notice } from './controller';
import { Findings } from './Findings';

export const Notices = memo(function Notices({ notices, onDismiss }: { notices: Notice[]; onDismiss: (id: number) => void }) {
  if (!notices.length) return null;
  return (
    <div className="notices" aria-live="polite">
      {notices.map((n) => (
        <div key={n.id} className={`notice ${n.kind}`} data-testid="notice" role={n.kind === 'error' ? 'alert' : 'status'}>
          <div>
            {n.text}
            {n.details && (
              <ul>
                {n.details.map((d, i) => (
                  <li key={i}>{d}</li>
                ))}
              </ul>
            )}
            {n.studies && <Findings studies={n.studies} />}
          </div>
          <button className="small-btn" onClick={() => onDismiss(n.id)} aria-label="Dismiss">
            ✕
          </button>
        </div>
      ))}
    </div>
  );
});
