// Notices stay readable whatever fed them: a notice lists a dozen details and counts the rest;
// those about the run on screen leave with it.
import { describe, expect, it } from 'vitest';
import { MAX_DETAILS, withNotice, withoutRunNotices } from '../src/ui/notices';

describe('notices', () => {
  it('cap their details with a count of the rest, and keep the last few notices', () => {
    const details = Array.from({ length: 2000 }, (_, i) => `problem ${i}`);
    const [n] = withNotice([], { id: 1, kind: 'warn', text: 'adjusted', details });
    expect(n.details).toHaveLength(MAX_DETAILS);
    expect(n.details!.slice(0, 2)).toEqual(['problem 0', 'problem 1']);
    expect(n.details![MAX_DETAILS - 1]).toBe(`…and ${2000 - (MAX_DETAILS - 1)} more`);
    const short = withNotice([], { id: 2, kind: 'info', text: 'x', details: ['a', 'b'] });
    expect(short[0].details).toEqual(['a', 'b']);
    let list = short;
    for (let id = 3; id < 20; id++) list = withNotice(list, { id, kind: 'info', text: String(id) });
    expect(list.map((x) => x.id)).toEqual([15, 16, 17, 18, 19]);
  });

  it('about the run on screen (an engine error, a restored run) leave with it; the link’s and the page’s stay', () => {
    const list = [
      { id: 1, kind: 'warn' as const, text: 'This link had settings that could not be used as given' },
      { id: 2, kind: 'info' as const, text: 'Restored your run at step 120', ofRun: true },
      { id: 3, kind: 'error' as const, text: 'student step: NaN', ofRun: true },
      { id: 4, kind: 'info' as const, text: 'The run before is kept as a grey ghost curve.' },
    ];
    expect(withoutRunNotices(list).map((n) => n.id)).toEqual([1, 4]);
  });
});
