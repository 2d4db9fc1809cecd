// The playground: controls on the left, live charts in the middle, the models' insides, the
// method's card, the teacher and the keep/share panel below, the engine's status at the bottom.
// Presenter mode (present=1 in the link, or the button) enlarges the type, the charts' canvas
// text included, and folds the sidebar to the transport and the lessons, without the keep and
// share panels.
import { useEffect, useMemo, useState, useSyncExternalStore } from 'react';
import { Playground } from './controller';
import { Transport } from './controls/Transport';
import { Controls } from './controls/Controls';
import { Charts } from './charts/Charts';
import { SamplesPanel } from './SamplesPanel';
import { MethodCard } from './MethodCard';
import { TeacherPanel } from './TeacherPanel';
import { KeepPanel } from './KeepPanel';
import { Notices } from './Notices';
import { RunAlerts } from './RunAlerts';
import { StatusStrip } from './StatusStrip';
import { LANE_COLORS, laneLabel } from '../state/config';
import { getPreset } from '../state/presets';
import { LessonPanel } from './lesson/LessonPanel';
import { runsLessonSetup, useLessonReference } from './lesson/lessonSetup';
import { StepExplainer } from './StepExplainer';
import { LessonMenu } from './lesson/LessonMenu';
import { CHART_TEXT_PX, ChartTextContext } from './charts/chartText';
import { lessonGhosts, reachedCheckpoint } from './lesson/lessonFlow';

export function App() {
  // One controller per mounted App (StrictMode mounts twice in development: each gets its own).
  const [pg] = useState(() => new Playground());
  useEffect(() => {
    void pg.start();
    return () => pg.dispose();
  }, [pg]);
  const s = useSyncExternalStore(pg.subscribe, pg.getSnapshot);
  // Presenter mode scales the root size, so everything sized in rem grows with it.
  useEffect(() => {
    document.documentElement.classList.toggle('present', s.present);
  }, [s.present]);
  const ready = s.lanesReady > 0 && !s.busy;
  const teacherScore = s.teacher?.status === 'ready' ? s.teacher.score : null;
  const methods = [...new Set(s.spec.lanes.map((l) => l.method))];
  const lesson = s.lesson ? getPreset(s.lesson) : undefined;
  const reference = useLessonReference(lesson?.id ?? null);
  const lessonChanged = lesson ? !runsLessonSetup(lesson, s.spec) : false;
  const lessonPassed = lesson ? reachedCheckpoint(lesson, s.records) : false;
  // The band answers the question: drawn once the learner has predicted and played, or at the checkpoint.
  const bandShown = !!lesson && !lessonChanged && (s.lessonPlayed || lessonPassed);
  // A lesson's charts: only its own earlier runs, cut at its checkpoint, and its steps across the whole axis.
  const ghosts = useMemo(() => (lesson ? lessonGhosts(s.ghosts, lesson, s.spec) : s.ghosts), [lesson, s.ghosts, s.spec]);

  return (
    <ChartTextContext.Provider value={s.present ? CHART_TEXT_PX.present : CHART_TEXT_PX.normal}>
      <div className={s.present ? 'app present' : 'app'} data-testid="app" data-present={s.present ? 1 : 0}>
        <header className="topbar">
          <h1>Alembic</h1>
          <p className="tagline">
            A small teacher, a smaller student, trained live in your browser tab. Pick a lesson or a method, press play, watch the student approach the teacher.
          </p>
          <LessonMenu active={s.lesson} onPick={pg.applyPreset} />
          <button
            className="present-toggle"
            data-testid="present-toggle"
            aria-pressed={s.present}
            onClick={() => pg.setPresent(!s.present)}
            title="Large type and a folded sidebar, for a projector (present=1 in the link)"
          >
            {s.present ? 'Leave presenter mode' : 'Presenter mode'}
          </button>
        </header>
        {s.backend && s.backend.name !== 'webgpu' && !s.backend.skippedSoftwareAdapter && !s.backend.chosenFailed && s.backend.fallbackReason && (
          <div className="banner" role="alert" data-testid="no-webgpu">
            WebGPU is not available here, so the engine runs on <b>{s.backend.name}</b>: everything works, only slower.{' '}
            <span data-testid="fallback-reason">{s.backend.fallbackReason}</span>
          </div>
        )}
        {s.fatal && (
          <div className="banner error" role="alert" data-testid="fatal">
            {s.fatal}
          </div>
        )}
        <RunAlerts alerts={s.alerts} halts={s.halts} blockedPlay={s.blockedPlay} onDismiss={pg.dismissAlert} />
        <Notices notices={s.notices} onDismiss={pg.dismiss} />
        <div className="layout">
          <aside className="sidebar" aria-label="Controls">
            <div className="sticky">
              <Transport
                running={s.running}
                pausing={s.phase === 'pausing'}
                ready={ready}
                step={s.step}
                stepsPerSec={s.stepsPerSec}
                onPlay={pg.play}
                onPause={pg.pause}
                onStep={pg.stepOnce}
                onReset={pg.reset}
              />
              {s.busy && !s.fatal ? (
                <p className="muted small building">Building the run: loading the teacher and preparing the GPU (slow the first time)…</p>
              ) : (
                <p className="muted small building">
                  <kbd>Space</kbd> play/pause · <kbd>→</kbd> one step · <kbd>R</kbd> reset · <kbd>L</kbd> lessons
                </p>
              )}
            </div>
            <Controls spec={s.spec} hidden={s.hidden} present={s.present} actions={pg} lesson={s.lesson} />
          </aside>
          <main className="main">
            {lesson && (
              <LessonPanel
                key={`${lesson.id}:${s.lessonOpened}`}
                preset={lesson}
                reference={reference}
                labels={s.spec.lanes.map((_, i) => laneLabel(s.spec, i))}
                records={s.records}
                step={s.step}
                running={s.running}
                ready={ready}
                stepsPerSec={s.stepsPerSec}
                changed={lessonChanged}
                prediction={s.lessonPrediction}
                played={s.lessonPlayed}
                passed={lessonPassed}
                onPredict={pg.predictLesson}
                onPlay={pg.play}
                onPause={pg.pause}
                onClose={pg.closeLesson}
              />
            )}
            <Charts
              spec={s.spec}
              records={s.records}
              ghosts={ghosts}
              marks={s.marks}
              teacherScore={teacherScore}
              teacherSkillScores={s.teacher?.status === 'ready' ? s.teacher.skillScores : null}
              expected={bandShown ? (reference ?? null) : null}
              lessonMetric={lesson && !lessonChanged ? lesson.effect.metric : null}
              xMax={lesson ? lesson.effect.checkpoint : null}
            />
            <StepExplainer spec={s.spec} ready={ready} explanation={s.explanation} onExplain={pg.explain} onClose={pg.closeExplanation} />
            <div className="below">
              <SamplesPanel spec={s.spec} inspection={s.inspection} lane={s.inspectLane} onLane={pg.setInspectLane} />
              <div className="cards">
                {methods.map((m) => (
                  <MethodCard key={m} method={m} color={methods.length > 1 ? LANE_COLORS[s.spec.lanes.findIndex((l) => l.method === m)] : undefined} />
                ))}
              </div>
              <TeacherPanel teacher={s.teacher} task={String(s.spec.settings.task)} />
              {!s.hidden.includes('keep') && !s.present && <KeepPanel pg={pg} spec={s.spec} ghosts={s.ghosts} hidden={s.hidden} ready={ready} />}
            </div>
          </main>
        </div>
        <StatusStrip
          backend={s.backend}
          stepsPerSec={s.stepsPerSec}
          running={s.running}
          memory={s.memory}
          params={s.studentParams}
          teacherParams={s.teacher?.status === 'ready' ? s.teacher.params : null}
          lastSaved={s.lastSaved}
        />
      </div>
    </ChartTextContext.Provider>
  );
}
