// Keeping and moving runs: metrics as CSV/JSON, a student's weights in the TensorFlow.js format
// (download and load back), ghosts of earlier runs, and the link to share, optionally hiding
// controls for a class.
import { memo, useRef, useState } from 'react';
import { getMethod, isMethodId } from '../engine/methods/declarations';
import { RUN_PARAMS, type RunSpec } from '../shared/runSpec';
import type { Ghost } from '../state/runs';
import { laneLabel } from '../state/config';
import type { Playground } from './controller';
import { downloadRecipe } from './recipeDownload';

export const KeepPanel = memo(function KeepPanel({
  pg,
  spec,
  ghosts,
  hidden,
  ready,
}: {
  pg: Playground;
  spec: RunSpec;
  ghosts: Ghost[];
  hidden: string[];
  ready: boolean;
}) {
  const fileRef = useRef<HTMLInputElement>(null);
  const [lane, setLane] = useState(0);
  const [hide, setHide] = useState<string[]>(hidden);
  const [copied, setCopied] = useState(false);
  // An instructor's link hides this share panel too, so students cannot make an unhidden link,
  // unless the instructor lets them; and it can open in presenter mode.
  const [letShare, setLetShare] = useState(false);
  const [presentLink, setPresentLink] = useState(false);
  const target = Math.min(lane, spec.lanes.length - 1);
  const hideable = [
    { id: 'presets', label: 'Lessons' },
    { id: 'method', label: 'Method' },
    { id: 'race', label: 'Race (add/remove students)' },
    ...RUN_PARAMS.map((p) => ({ id: p.id, label: p.label })),
    ...[...new Set(spec.lanes.flatMap((l) => (isMethodId(l.method) ? getMethod(l.method).params : [])))].map((p) => ({ id: p.id, label: p.label })),
  ].filter((x, i, all) => all.findIndex((y) => y.id === x.id) === i);
  const linkHidden = hide.length && !letShare ? [...hide.filter((h) => h !== 'share'), 'share'] : hide.filter((h) => h !== 'share');
  const link = pg.shareLink(linkHidden, presentLink);

  return (
    <section className="panel keep" aria-label="Keep and share">
      <h2>Keep and share</h2>
      <div className="keep-row">
        <span>Metrics</span>
        <button data-testid="export-csv" onClick={pg.exportCsv}>
          CSV
        </button>
        <button data-testid="export-json" onClick={pg.exportJson}>
          JSON
        </button>
      </div>
      <div className="keep-row">
        <span>Student weights</span>
        {spec.lanes.length > 1 && (
          <select aria-label="Which student" value={target} onChange={(e) => setLane(Number(e.target.value))}>
            {spec.lanes.map((_, i) => (
              <option key={i} value={i}>
                {i + 1}: {laneLabel(spec, i)}
              </option>
            ))}
          </select>
        )}
        <button
          data-testid="download-weights"
          disabled={!ready}
          onClick={() => pg.downloadWeights(target)}
          title="model.json + weights.bin (TensorFlow.js format)"
        >
          Download
        </button>
        <button data-testid="load-weights" disabled={!ready} onClick={() => fileRef.current?.click()} title="Choose model.json and weights.bin together">
          Load…
        </button>
        <input
          ref={fileRef}
          type="file"
          multiple
          accept=".json,.bin"
          hidden
          data-testid="weights-file"
          aria-label="Student weights files (model.json and weights.bin)"
          onChange={(e) => {
            if (e.target.files?.length) void pg.loadWeightsFiles(target, e.target.files);
            e.target.value = '';
          }}
        />
      </div>
      <div className="keep-row">
        <span>Train at scale</span>
        <button
          data-testid="export-recipe"
          onClick={() => downloadRecipe(spec, pg.shareLink([]))}
          title="A zip with, per student, a Hugging Face TRL training script, its config and a README of how each setting maps"
        >
          TRL recipe (zip)
        </button>
      </div>
      <div className="keep-row">
        <span>Ghosts of earlier runs: {ghosts.length}</span>
        <button data-testid="clear-ghosts" disabled={!ghosts.length} onClick={pg.clearGhosts}>
          Clear
        </button>
      </div>
      {!hidden.includes('share') && (
        <details className="share" data-testid="share">
          <summary>Share this experiment</summary>
          <p className="small muted">The link holds the whole configuration. For a class, tick the controls to hide.</p>
          <div className="hide-list">
            {hideable.map((h) => (
              <label key={h.id}>
                <input
                  type="checkbox"
                  checked={hide.includes(h.id)}
                  onChange={(e) => setHide((xs) => (e.target.checked ? [...xs, h.id] : xs.filter((x) => x !== h.id)))}
                />{' '}
                {h.label}
              </label>
            ))}
          </div>
          <label className="small">
            <input
              type="checkbox"
              data-testid="share-let-students"
              checked={letShare}
              disabled={!hide.length}
              onChange={(e) => setLetShare(e.target.checked)}
            />{' '}
            Students may make their own links (otherwise a link that hides controls hides this panel too)
          </label>
          <br />
          <label className="small">
            <input type="checkbox" data-testid="share-present" checked={presentLink} onChange={(e) => setPresentLink(e.target.checked)} /> Open in presenter
            mode
          </label>
          <input className="link" readOnly value={link} aria-label="Link to this experiment" data-testid="share-link" onFocus={(e) => e.target.select()} />
          <button
            onClick={() => {
              void navigator.clipboard?.writeText(link).then(() => setCopied(true));
              setTimeout(() => setCopied(false), 1500);
            }}
          >
            {copied ? 'Copied' : 'Copy link'}
          </button>
        </details>
      )}
    </section>
  );
});
