// The experiment lives in the link: every change is written to the URL hash (replacing the
// history entry, so Back leaves the page), and a hash edited by hand or pasted is read back.
import type { RunSpec } from '../shared/runSpec';
import { decodeHash, encodeHash, type DecodedHash } from '../state/url';

export interface LinkState {
  spec: RunSpec;
  hidden: readonly string[];
  present: boolean;
  /** The open lesson, so a link opens it too. */
  lesson: string | null;
}

export class UrlSync {
  private lastWritten = '';

  /** `onChange` hears of hashes this page did not write itself. */
  constructor(private readonly onChange: (decoded: DecodedHash) => void) {}

  /** The experiment the page opened with. */
  static read(): DecodedHash {
    return decodeHash(typeof location === 'undefined' ? '' : location.hash);
  }

  listen(): void {
    addEventListener('hashchange', this.onHashChange);
  }

  stop(): void {
    removeEventListener('hashchange', this.onHashChange);
  }

  write({ spec, hidden, present, lesson }: LinkState): void {
    const hash = encodeHash(spec, hidden, present, lesson);
    this.lastWritten = hash;
    if (location.hash !== hash) history.replaceState(null, '', hash);
  }

  /** The full link to an experiment, optionally hiding controls (an instructor's link). */
  static link({ spec, hidden, present, lesson }: LinkState): string {
    return `${location.origin}${location.pathname}${encodeHash(spec, hidden, present, lesson)}`;
  }

  private onHashChange = () => {
    if (location.hash === this.lastWritten) return;
    this.onChange(decodeHash(location.hash));
  };
}
