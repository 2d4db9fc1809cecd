// The chosen method's card: what it optimises, its objective typeset with KaTeX, its paper,
// the implementation choices that are Alembic's own, and what our studies found.
import { memo, useLayoutEffect, useMemo, useRef, useState } from 'react';
import katex from 'katex';
import 'katex/dist/katex.min.css';
import { getMethod, isMethodId } from '../engine/methods/declarations';
import { METHOD_STUDIES } from '../state/findings';
import { Findings } from './Findings';
import { formulaLines } from './formulaLines';

export const MethodCard = memo(function MethodCard({ method, color }: { method: string; color?: string }) {
  const decl = isMethodId(method) ? getMethod(method) : null;
  // One display line per part of the objective, so a long one wraps instead of shrinking.
  const html = useMemo(
    () =>
      decl
        ? formulaLines(decl.card.formula)
            .map((line) => katex.renderToString(line, { displayMode: true, throwOnError: false, output: 'htmlAndMathml' }))
            .join('')
        : '',
    [decl],
  );
  const box = useRef<HTMLDivElement>(null);
  const overflows = useFitFormula(box, html);
  if (!decl) return null;
  const { card } = decl;
  return (
    <article className="panel method-card" data-testid="method-card" style={color ? { borderTopColor: color } : undefined}>
      <h2>
        {decl.label} <span className="muted small">{decl.summary}</span>
      </h2>
      <p>{card.optimises}</p>
      <div
        className="formula"
        ref={box}
        // Still too wide at the smallest size (or taller than its box): it scrolls, so it must be reachable by keyboard.
        tabIndex={overflows ? 0 : undefined}
        role={overflows ? 'region' : undefined}
        aria-label={overflows ? `${decl.label} objective (scrolls sideways)` : undefined}
        dangerouslySetInnerHTML={{ __html: html }}
      />
      <p className="small">
        <a href={card.paper.url} target="_blank" rel="noreferrer">
          {card.paper.title}
        </a>{' '}
        — {card.paper.authors}, {card.paper.venue}.
      </p>
      {card.ours.length > 0 && (
        <details className="ours">
          <summary>Our implementation choices</summary>
          <ul>
            {card.ours.map((o, i) => (
              <li key={i}>{o}</li>
            ))}
          </ul>
        </details>
      )}
      <Findings studies={METHOD_STUDIES[method] ?? []} />
    </article>
  );
});

/**
 * Shrink a typeset formula until it fits its box (down to 55 % of the text size), again when the
 * box is resized or fonts finish loading. Returns whether it still overflows at that size.
 */
function useFitFormula(box: React.RefObject<HTMLDivElement | null>, html: string): boolean {
  const [overflows, setOverflows] = useState(false);
  useLayoutEffect(() => {
    const el = box.current;
    if (!el) return;
    const fit = () => {
      let scale = 1;
      el.style.fontSize = '';
      const base = parseFloat(getComputedStyle(el).fontSize);
      while (el.scrollWidth > el.clientWidth + 1 && scale > 0.55) {
        scale -= 0.05;
        el.style.fontSize = `${base * scale}px`;
      }
      // Scrollable either way (overflow-x: auto makes the y axis auto too, and a typeset formula
      // can reach a few pixels above or below its box): then it needs a keyboard stop.
      setOverflows(el.scrollWidth > el.clientWidth || el.scrollHeight > el.clientHeight);
    };
    fit();
    // Refit when the box's width changes (its height follows the font size: ignore that).
    let width = el.clientWidth;
    const ro = new ResizeObserver(() => {
      if (el.clientWidth === width) return;
      width = el.clientWidth;
      fit();
    });
    ro.observe(el);
    // KaTeX's fonts arrive after the first fit and change the formula's width, not the box's:
    // fit again once they have (else a formula that now overflows is not reachable by keyboard).
    const fonts = typeof document !== 'undefined' ? document.fonts : undefined;
    let live = true;
    const refit = () => live && fit();
    fonts?.addEventListener('loadingdone', refit);
    void fonts?.ready.then(refit);
    return () => {
      live = false;
      ro.disconnect();
      fonts?.removeEventListener('loadingdone', refit);
    };
  }, [box, html]);
  return overflows;
}
