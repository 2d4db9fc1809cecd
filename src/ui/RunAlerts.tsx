// Alerts about the run itself, each tied to its cause and gone when the cause is: a student
// halted on a non-finite value, the engine worker lost, saving failing, another tab's newer run
// of this experiment. Each can carry the actions that resolve it (restart, continue the other run).
import { memo } from 'react';

export interface AlertAction {
  label: string;
  testId: string;
  act: () => void;
}

export interface RunAlert {
  /** One alert per cause: 'halt-0', 'engine', 'storage', 'newer-run'. */
  key: string;
  kind: 'info' | 'warn' | 'error';
  text: string;
  testId: string;
  actions?: AlertAction[];
  /** Whether the learner may hide it (a halt stays until its cause is fixed). */
  dismissable?: boolean;
}

export const RunAlerts = memo(function RunAlerts({ alerts, onDismiss }: { alerts: readonly RunAlert[]; onDismiss: (key: string) => void }) {
  if (!alerts.length) return null;
  return (
    <div className="run-alerts">
      {alerts.map((a) => (
        <div key={a.key} className={`banner ${a.kind === 'error' ? 'error' : ''}`} role={a.kind === 'error' ? 'alert' : 'status'} data-testid={a.testId}>
          <span>{a.text}</span>
          {a.actions?.map((x) => (
            <button key={x.testId} className="small-btn" data-testid={x.testId} onClick={x.act}>
              {x.label}
            </button>
          ))}
          {a.dismissable && (
            <button className="small-btn" onClick={() => onDismiss(a.key)} aria-label="Dismiss">
              ✕
            </button>
          )}
        </div>
      ))}
    </div>
  );
});
