// How the worker answers the page: each message checked, commands run one at a time in arrival
// order (play's loop runs beside them and is stopped by any command that needs the run to stand
// still), and every run command acknowledged with a status once handled.
import { commandProblem, isRunCommand, type Command, type Event } from './protocol';
import type { Session } from './session';

async function handle(cmd: Command, s: Session, post: (e: Event) => void): Promise<void> {
  switch (cmd.type) {
    case 'reset':
      return s.reset(cmd.spec, cmd.restore);
    case 'start':
      return s.start(cmd.until);
    case 'pause':
      return s.pause();
    case 'step':
      return s.stepN(cmd.count);
    case 'setParam':
      return s.setParam(cmd.lane, cmd.id, cmd.value);
    case 'inspect':
      return s.inspect(cmd.lane);
    case 'explain':
      return s.explain(cmd.lane, cmd.example);
    case 'saveWeights': {
      const files = await s.saveWeights(cmd.lane);
      return post({ type: 'weights', lane: cmd.lane, requestId: cmd.requestId, files });
    }
    case 'snapshot': {
      const { step, weights } = await s.snapshot();
      return post({ type: 'snapshot', requestId: cmd.requestId, step, weights });
    }
    case 'loadWeights': {
      const step = s.loadWeights(cmd.lane, cmd.files, cmd.step);
      return post({ type: 'weightsLoaded', lane: cmd.lane, requestId: cmd.requestId, step });
    }
  }
}

/** A message handler for `session`; the returned promise settles when the command was handled. */
export function serve(session: Session, post: (e: Event) => void): (msg: unknown) => Promise<void> {
  let queue: Promise<void> = Promise.resolve();
  return (msg) => {
    const problem = commandProblem(msg);
    if (problem) {
      post({ type: 'error', context: 'protocol', message: problem });
      // A refused run command still counts as handled: the page is not left waiting for it.
      const type = (msg as { type?: unknown } | null)?.type;
      if (typeof type === 'string' && isRunCommand({ type } as Command)) queue = queue.then(() => session.acknowledge());
      return queue;
    }
    const cmd = msg as Command;
    queue = queue.then(async () => {
      try {
        await handle(cmd, session, post);
      } catch (e) {
        const requestId = 'requestId' in cmd ? cmd.requestId : undefined;
        post({ type: 'error', context: cmd.type, message: (e as Error).message, requestId });
      }
      if (isRunCommand(cmd)) session.acknowledge();
    });
    return queue;
  };
}
