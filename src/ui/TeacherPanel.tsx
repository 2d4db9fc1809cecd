// The shipped teacher: what it is, how well it does, and its answers on held-out prompts; or a
// clear message when its file is not there.
import { memo } from 'react';
import { getTask } from '../engine/tasks';
import type { TeacherInfo } from './controller';

export const TeacherPanel = memo(function TeacherPanel({ teacher, task }: { teacher: TeacherInfo | null; task: string }) {
  const t = getTask(task);
  return (
    <section className="panel teacher-panel" aria-label="Teacher">
      <h2>
        Teacher{' '}
        <span className="muted small">
          {t.title}: {t.description}
        </span>
      </h2>
      {!teacher || teacher.status === 'loading' ? (
        <p className="muted">Loading the {task} teacher…</p>
      ) : teacher.status === 'missing' ? (
        <p className="notice-inline" data-testid="teacher-missing">
          {teacher.message} Pick another task meanwhile.
        </p>
      ) : (
        <>
          <p className="small">
            {teacher.params.toLocaleString()} parameters{teacher.score !== null ? ` · held-out score ${(teacher.score * 100).toFixed(1)}%` : ''}
          </p>
          <table className="samples compact" data-testid="teacher-samples">
            <tbody>
              {teacher.samples.map((s, i) => (
                <tr key={i}>
                  <td className="mono">{s.prompt || <span className="muted">(free text)</span>}</td>
                  <td className="mono" data-testid="teacher-output">
                    {s.output}
                  </td>
                  <td className="mono muted">{t.scoring === 'greedy-exact-match' ? (s.output === s.reference ? '✓' : `✗ ${s.reference}`) : ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
});
