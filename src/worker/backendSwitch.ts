// Choosing the worker's TensorFlow.js backend for a run's Backend setting, and telling the page
// which one runs (and why a backend asked for by name did not, when it did not).
import { BACKEND_PREFERENCES, backendOrder, chooseBackend, type BackendName, type BackendPreference } from '../engine/backend';
import type { Event } from './protocol';

export interface BackendInUse {
  preference: BackendPreference;
  name: BackendName;
}

/** The preference a run's Backend setting asks for ('auto' for anything unknown). */
export function backendPreference(raw: unknown): BackendPreference {
  return BACKEND_PREFERENCES.includes(raw as BackendPreference) ? (raw as BackendPreference) : 'auto';
}

/** Start the backend `preference` asks for, reporting it (or a fatal event) through `post`; null if none could start. */
export async function switchBackend(
  preference: BackendPreference,
  wasmPaths: Record<string, string> | undefined,
  post: (e: Event) => void,
): Promise<BackendInUse | null> {
  const { order, options } = backendOrder(preference);
  try {
    const report = await chooseBackend(order, { ...options, wasmPaths });
    // A backend chosen by name that could not start is the news, not the adapter passed over after it.
    const chosen = preference === 'auto' || report.name === preference ? null : report.attempts.find((a) => a.name === preference);
    const chosenFailed = chosen ? { name: preference, reason: chosen.error } : null;
    post({
      type: 'backend',
      info: {
        name: report.name,
        adapter: report.adapter,
        fallbackReason: report.fallbackReason,
        skippedSoftwareAdapter: chosenFailed ? null : report.skippedSoftwareAdapter,
        chosenFailed,
      },
    });
    return { preference, name: report.name };
  } catch (e) {
    post({ type: 'fatal', message: (e as Error).message });
    return null;
  }
}
