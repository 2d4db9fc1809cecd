// The findings as the playground shows them: public/findings/summary.json (every study's claims
// and verdicts, which method cards and presets read), and each study's page as HTML with its
// chart beside it, so the links work in the served app and not only in the repository.
import { copyFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { writeAtomic } from './writeAtomic';
import { join } from 'node:path';
import { marked } from 'marked';
import type { ClaimResult, Study } from './study';
import type { FindingsSummary } from '../../shared/findings';

export function publishStudy(study: Study, claims: ClaimResult[], run: { seeds: number; steps: number }, docsDir: string, publicDir: string): void {
  mkdirSync(publicDir, { recursive: true });
  writeAtomic(join(publicDir, `${study.name}.html`), page(study.title, toHtml(readFileSync(join(docsDir, `${study.name}.md`), 'utf8'))));
  copyFileSync(join(docsDir, `${study.name}.svg`), join(publicDir, `${study.name}.svg`));
  writeAtomic(join(publicDir, 'index.html'), page('Findings', toHtml(readFileSync(join(docsDir, 'README.md'), 'utf8'))));

  const file = join(publicDir, 'summary.json');
  const summary: FindingsSummary = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : {};
  summary[study.name] = {
    title: study.title,
    seeds: run.seeds,
    steps: run.steps,
    arms: study.arms.length,
    claims,
    page: `${study.name}.html`,
    chart: `${study.name}.svg`,
  };
  writeAtomic(file, JSON.stringify(summary, null, 1) + '\n');
}

/** Markdown to HTML; links to sibling pages point at their published .html. */
function toHtml(markdown: string): string {
  return (marked.parse(markdown, { async: false }) as string).replace(/href="([\w-]+)\.md"/g, 'href="$1.html"');
}

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} — Alembic findings</title>
<style>
  body { font: 15px/1.5 system-ui, sans-serif; max-width: 72rem; margin: 2rem auto; padding: 0 1rem; color: #1f2933; }
  table { border-collapse: collapse; font-size: 13px; margin: 0.5rem 0 1.5rem; }
  th, td { border: 1px solid #d0d7de; padding: 0.2rem 0.5rem; text-align: right; }
  th:first-child, td:first-child { text-align: left; }
  img { max-width: 100%; }
  code { background: #f3f4f6; padding: 0 0.2rem; }
</style>
</head>
<body>
<p><a href="../">← back to the playground</a></p>
${body}
</body>
</html>
`;
}
