// Milestone-1 page: the engine worker picks a backend, loads the shipped teacher and shows
// its answers on held-out prompts.
import { useEffect, useState } from 'react';
import { EngineClient } from '../worker/client';
import type { BackendInfo, Event } from '../worker/protocol';
import { SHARED_PARAMS } from '../engine/settings';
import { defaults } from '../engine/params';

type TeacherState = Extract<Event, { type: 'teacher' }> | null;

export function App() {
  const [backend, setBackend] = useState<BackendInfo | null>(null);
  const [teacher, setTeacher] = useState<TeacherState>(null);
  const [fatal, setFatal] = useState<string | null>(null);

  useEffect(() => {
    const client = new EngineClient();
    const off = client.subscribe((e) => {
      if (e.type === 'backend') setBackend(e.info);
      else if (e.type === 'teacher') setTeacher(e);
      else if (e.type === 'fatal') setFatal(e.message);
    });
    client.send({ type: 'reset', spec: { settings: defaults(SHARED_PARAMS), lanes: [{ method: 'kd', hyper: {} }] } });
    return () => {
      off();
      client.terminate();
    };
  }, []);

  return (
    <main className="app">
      <header className="topbar">
        <h1>Alembic</h1>
        <p className="tagline">Knowledge distillation, live in your browser tab.</p>
      </header>
      {backend && backend.name !== 'webgpu' && (
        <div className="banner" role="alert" data-testid="no-webgpu">
          WebGPU is not available here, so training runs on <b>{backend.name}</b> (slower). {backend.fallbackReason}
        </div>
      )}
      {fatal && (
        <div className="banner error" role="alert">
          {fatal}
        </div>
      )}
      <section className="status" aria-label="Engine status">
        <span>
          Backend: <b data-testid="backend">{backend ? backend.name : 'starting…'}</b>
        </span>
        {backend?.adapter && (
          <span data-testid="adapter">
            Adapter: {backend.adapter.description}
            {backend.adapter.isFallbackAdapter ? ' (software fallback adapter)' : ''}
          </span>
        )}
        {backend?.fallbackReason && <span data-testid="fallback-reason">Fallback: {backend.fallbackReason}</span>}
      </section>
      <section className="panel" aria-label="Teacher">
        <h2>Teacher</h2>
        {!teacher || teacher.status === 'loading' ? (
          <p>Loading the teacher…</p>
        ) : teacher.status === 'missing' ? (
          <p className="notice" data-testid="teacher-missing">
            {teacher.message}
          </p>
        ) : (
          <>
            <p>
              {teacher.task} teacher, {teacher.params.toLocaleString()} parameters
              {teacher.score !== null ? `, held-out score ${(teacher.score * 100).toFixed(1)}%` : ''}.
            </p>
            <table className="samples" data-testid="teacher-samples">
              <thead>
                <tr>
                  <th>Prompt</th>
                  <th>Teacher</th>
                  <th>Reference</th>
                </tr>
              </thead>
              <tbody>
                {teacher.samples.map((s, i) => (
                  <tr key={i}>
                    <td className="mono">{s.prompt || '(empty)'}</td>
                    <td className="mono" data-testid="teacher-output">
                      {s.output}
                    </td>
                    <td className="mono">{s.reference}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </>
        )}
      </section>
    </main>
  );
}
