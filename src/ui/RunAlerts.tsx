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

interface Props {
  alerts: readonly RunAlert[];
  /** Each student's halt reason, or null: a banner per halted student, gone when its halt is. */
  halts: ReadonlyArray<string | null>;
  /** Play or Step was pressed while every student stood halted. */
  blockedPlay: boolean;
  onDismiss: (key: string) => void;
}

export const RunAlerts = memo(function RunAlerts({ alerts, halts, blockedPlay, onDismiss }: Props) {
  const halted = halts.some((h) => h !== null);
  if (!alerts.length && !halted) return null;
  const many = halts.length > 1;
  return (
    <div className="run-alerts">
      {halts.map(
        (h, i) =>
          h && (
            <div key={`halt-${i}`} className="banner error" role="alert" data-testid="halted">
              {many ? `Student ${i + 1}: ` : ''}
              {h}
            </div>
          ),
      )}
      {blockedPlay && halted && (
        <div className="banner error" role="alert" data-testid="play-blocked">
          {halts.every((h) => h !== null) ? (many ? 'Every student has halted' : 'The student has halted') : 'A student has halted'} on a non-finite value, so
          there is nothing to train until its cause is fixed: lower the learning rate, load other weights, or reset the run.
        </div>
      )}
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
