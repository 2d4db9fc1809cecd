// A value shown a few animation frames after it changed: the charts updated in consecutive
// frames make several short tasks instead of one longer one (docs/bench: long tasks). Every chart
// waits at least one frame, so none is drawn in the task that received the worker's message.
import { useEffect, useState } from 'react';
import { flushSync } from 'react-dom';

export function useStaggered<T>(value: T, frames: number): T {
  const [shown, setShown] = useState(value);
  useEffect(() => {
    if (frames <= 0) return;
    let left = frames;
    let id = requestAnimationFrame(function tick() {
      if (--left > 0) id = requestAnimationFrame(tick);
      // Render (and let the plot redraw) inside this frame's task, not batched with the next chart's.
      else flushSync(() => setShown(() => value));
    });
    return () => cancelAnimationFrame(id);
  }, [value, frames]);
  return frames <= 0 ? value : shown;
}
