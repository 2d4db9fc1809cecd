// The chosen method's card: what it optimises, its objective typeset with KaTeX, its paper,
// the implementation choices that are Alembic's own, and what our studies found.
import { memo, useMemo } from 'react';
import katex from 'katex';
import 'katex/dist/katex.min.css';
import { getMethod, isMethodId } from '../engine/methods/declarations';
import { METHOD_STUDIES } from '../state/findings';
import { Findings } from './Findings';

export const MethodCard = memo(function MethodCard({ method, color }: { method: string; color?: string }) {
  const decl = isMethodId(method) ? getMethod(method) : null;
  const html = useMemo(() => (decl ? katex.renderToString(decl.card.formula, { displayMode: true, throwOnError: false, output: 'htmlAndMathml' }) : ''), [decl]);
  if (!decl) return null;
  const { card } = decl;
  return (
    <article className="panel method-card" data-testid="method-card" style={color ? { borderTopColor: color } : undefined}>
      <h2>
        {decl.label} <span className="muted small">{decl.summary}</span>
      </h2>
      <p>{card.optimises}</p>
      <div className="formula" dangerouslySetInnerHTML={{ __html: html }} />
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
