// The experiment a recipe export starts from: a playground link (only its '#…' part is read; a
// link whose experiment the page would have to adjust is refused), or a list of methods, with
// `name=value` settings on top. Problems come back as one message each, never thrown.
import { METHOD_IDS, isMethodId } from '../engine/methods/declarations';
import { coerce, quote } from '../engine/params';
import { laneParam } from '../state/config';
import { decodeHash } from '../state/url';
import { resolveSpec, type RunSpec } from '../shared/runSpec';

export type SpecOrProblem = { spec: RunSpec; problem?: undefined } | { spec?: undefined; problem: string };

/** A link as a message may show it: cut short, and with line breaks and other controls visible. */
export const shownLink = (link: string) => JSON.stringify(quote(link, 120));

export function specFromLink(link: string): SpecOrProblem {
  const hash = link.includes('#') ? link.slice(link.indexOf('#')) : link;
  const decoded = decodeHash(hash);
  if (decoded.empty) return { problem: `The link holds no experiment (nothing after '#'): ${shownLink(link)}` };
  if (decoded.problems.length) return { problem: `The link has problems:\n- ${decoded.problems.join('\n- ')}` };
  return { spec: decoded.spec };
}

/** One student per method; the race's four-student limit is the page's, not the export's. */
export function specFromMethods(methods: readonly string[]): SpecOrProblem {
  const unknown = methods.filter((m) => !isMethodId(m));
  if (unknown.length) return { problem: `Unknown method ${unknown.map((m) => `'${quote(m)}'`).join(', ')}. Methods: ${METHOD_IDS.join(', ')}` };
  return { spec: { settings: resolveSpec({}).spec.settings, lanes: methods.map((method) => resolveSpec({ lanes: [{ method }] }).spec.lanes[0]) } };
}

/** Apply `name=value` to the shared settings or to every student with that parameter; the first problem, or null. */
export function applySettings(spec: RunSpec, items: readonly string[]): string | null {
  for (const item of items) {
    const eq = item.indexOf('=');
    if (eq <= 0) return `--set expects name=value, got '${quote(item)}'`;
    const id = item.slice(0, eq);
    const raw = item.slice(eq + 1);
    let used = false;
    const shared = laneParam('', id);
    if (shared) {
      const { value, problem } = coerce(shared, raw);
      if (problem) return `--set ${quote(item, 80)}: ${problem.replace(/; using .*$/, '')}`;
      spec.settings[id] = value;
      used = true;
    }
    for (const lane of spec.lanes) {
      const p = shared ? undefined : laneParam(lane.method, id);
      if (!p) continue;
      const { value, problem } = coerce(p, raw);
      if (problem) return `--set ${quote(item, 80)}: ${problem.replace(/; using .*$/, '')}`;
      lane.hyper[id] = value;
      used = true;
    }
    if (!used) return `--set ${quote(item, 80)}: no setting '${quote(id)}' in the shared settings or any student's method`;
  }
  return null;
}
