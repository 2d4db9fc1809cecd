// What the page tells the learner outside the controls: notices (passing news, dismissable, the
// last few kept) and alerts (one per cause, gone when the cause is), with the alerts' wording.
import type { RunSummary } from '../state/runs';
import type { RunAlert } from './RunAlerts';

export interface Notice {
  id: number;
  kind: 'info' | 'warn' | 'error';
  text: string;
  /** Several lines, e.g. every value a link had to change. */
  details?: string[];
  /** Studies whose findings go with this notice (a lesson's evidence). */
  studies?: readonly string[];
  /**
   * About the run on screen (an error the engine reported, "Restored your run…"): it leaves when
   * that run does, on reset or when another run is restored.
   */
  ofRun?: boolean;
}

const KEEP_NOTICES = 5;

/** Lines of detail one notice lists; the rest are counted. */
export const MAX_DETAILS = 12;

/** The notices that outlive the run on screen: the others leave with it. */
export function withoutRunNotices(notices: readonly Notice[]): Notice[] {
  return notices.filter((n) => !n.ofRun);
}

/** The list with `notice` added (its details capped, with a count of the rest); the oldest go once there are more than a few. */
export function withNotice(notices: readonly Notice[], notice: Notice): Notice[] {
  const details = notice.details;
  const capped =
    details && details.length > MAX_DETAILS
      ? { ...notice, details: [...details.slice(0, MAX_DETAILS - 1), `…and ${details.length - (MAX_DETAILS - 1)} more`] }
      : notice;
  return [...notices.slice(-(KEEP_NOTICES - 1)), capped];
}

/** The alerts with `alert` in place of any earlier one of the same cause. */
export function withAlert(alerts: readonly RunAlert[], alert: RunAlert): RunAlert[] {
  return [...alerts.filter((a) => a.key !== alert.key), alert];
}

const time = (t: number) => new Date(t).toLocaleTimeString();

export function backendFailedAlert(name: string, reason: string, running: string): RunAlert {
  return {
    key: 'backend',
    kind: 'warn',
    testId: 'backend-failed',
    dismissable: true,
    text: `You chose the ${name} backend, but it could not start here (${reason}); the engine runs on ${running} instead.`,
  };
}

export function engineLostAlert(why: string, lastSaved: number | null, restart: () => void): RunAlert {
  const keep = lastSaved ? ` Restart keeps your last saved run (saved ${time(lastSaved)}).` : '';
  return {
    key: 'engine',
    kind: 'error',
    testId: 'engine-lost',
    text: `The engine stopped: ${why}. Training cannot continue in it.${keep}`,
    actions: [{ label: 'Restart the engine', testId: 'restart-engine', act: restart }],
  };
}

/** Another tab saved this experiment more recently: offer its run, never take it silently. */
export function newerRunAlert(newer: RunSummary, ownStep: number, take: () => void): RunAlert {
  return {
    key: 'newer-run',
    kind: 'info',
    testId: 'newer-run',
    dismissable: true,
    text: `Another tab saved a newer run of this experiment (step ${newer.step}, ${time(newer.savedAt)}). This tab continued its own${ownStep ? ` (step ${ownStep})` : ''}.`,
    actions: [{ label: `Continue the other tab's run here`, testId: 'take-newer-run', act: take }],
  };
}

export function storageFailedAlert(message: string): RunAlert {
  return {
    key: 'storage',
    kind: 'warn',
    testId: 'storage-failed',
    dismissable: true,
    text: `${message}. Training goes on; saving is tried again every few seconds.`,
  };
}
