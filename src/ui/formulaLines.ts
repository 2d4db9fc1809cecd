// A method's objective split into lines where it is a list of parts (`a,\quad b`): KaTeX's
// display math never wraps, so a long objective would otherwise shrink to fit a projector's
// column or scroll. Only top-level separators split (outside every {…} group and \left…\right
// pair), and only when each line still typesets on its own.
import katex from 'katex';

/** The formula's lines, each ending in the punctuation before its separator. */
export function formulaLines(tex: string): string[] {
  const lines: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < tex.length; i++) {
    const c = tex[i];
    if (c === '\\') {
      const word = /^\\[a-zA-Z]+/.exec(tex.slice(i))?.[0] ?? tex.slice(i, i + 2);
      if (word === '\\left' || word === '\\begin') depth++;
      else if (word === '\\right' || word === '\\end') depth--;
      else if ((word === '\\quad' || word === '\\qquad') && depth === 0) {
        lines.push(tex.slice(start, i));
        start = i + word.length;
      }
      i += word.length - 1;
    } else if (c === '{') depth++;
    else if (c === '}') depth--;
  }
  lines.push(tex.slice(start));
  const parts = lines.map((l) => l.trim()).filter(Boolean);
  return parts.length > 1 && parts.every(typesets) ? parts : [tex];
}

function typesets(tex: string): boolean {
  try {
    katex.renderToString(tex, { displayMode: true, throwOnError: true });
    return true;
  } catch {
    return false;
  }
}
