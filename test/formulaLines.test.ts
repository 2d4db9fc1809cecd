// A method card's objective split into display lines at its top-level \quad separators, never
// inside a group, a \left…\right pair or an environment, and only when every line typesets.
import { describe, expect, test } from 'vitest';
import { formulaLines } from '../src/ui/formulaLines';
import { METHODS } from '../src/engine/methods/declarations';

describe('formula lines', () => {
  test('splits at top-level separators only', () => {
    expect(formulaLines(String.raw`a = b,\quad c = d;\qquad e`)).toEqual(['a = b,', 'c = d;', 'e']);
    expect(formulaLines(String.raw`x = \frac{a,\quad b}{c}`)).toEqual([String.raw`x = \frac{a,\quad b}{c}`]);
    expect(formulaLines(String.raw`\left( a,\quad b \right)`)).toEqual([String.raw`\left( a,\quad b \right)`]);
    const cases = String.raw`y = \begin{cases} a & \quad b \\ c & d \end{cases}`;
    expect(formulaLines(cases)).toEqual([cases]);
    expect(formulaLines(String.raw`a + b`)).toEqual([String.raw`a + b`]);
    // \quadrant is not \quad.
    expect(formulaLines(String.raw`a \quadrant b`)).toEqual([String.raw`a \quadrant b`]);
  });

  test('a split whose parts do not typeset alone is not made', () => {
    // Splitting here would leave "\sqrt[" unclosed in the first line.
    const tex = String.raw`\sqrt[3,\quad 4]{x}`;
    expect(formulaLines(tex)).toEqual([tex]);
  });

  test('every method’s objective: the lines put back together are the formula', () => {
    const squash = (s: string) => s.replace(/\s+/g, '');
    for (const m of METHODS) {
      const lines = formulaLines(m.card.formula);
      expect(squash(lines.join(String.raw`\quad`)), m.id).toBe(squash(m.card.formula).replaceAll(String.raw`\qquad`, String.raw`\quad`));
    }
    // The long ones do split (GKD: the objective, the divergence for 0 < β < 1, then its two ends).
    expect(formulaLines(METHODS.find((m) => m.id === 'gkd')!.card.formula).length).toBe(3);
  });
});
