// What the engine runs on and what it costs: backend, adapter, why it fell back, speed, tensors
// and GPU memory, as the worker reports them.
import { memo } from 'react';
import type { BackendInfo, MemoryInfo } from '../worker/protocol';
import { formatRate } from './format';

const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MB`;

export const StatusStrip = memo(function StatusStrip({
  backend,
  stepsPerSec,
  running,
  memory,
  params,
  teacherParams,
  lastSaved,
}: {
  backend: BackendInfo | null;
  stepsPerSec: number;
  running: boolean;
  memory: MemoryInfo | null;
  params: number[];
  teacherParams: number | null;
  lastSaved: number | null;
}) {
  return (
    <footer className="status" aria-label="Engine status" data-testid="status" data-saved={lastSaved ?? 0}>
      <span>
        Backend <b data-testid="backend">{backend ? backend.name : 'starting…'}</b>
        {backend?.threads && (
          <span data-testid="wasm-threads" data-threads={backend.threads.count} title={backend.threads.why ?? undefined}>
            {' '}
            · {backend.threads.count} {backend.threads.count === 1 ? 'thread' : 'threads'}
            {backend.threads.why ? ` (${backend.threads.why})` : ''}
          </span>
        )}
      </span>
      {backend?.measured && (
        <span
          data-testid="backend-choice"
          data-remembered={backend.measured.remembered}
          title={`Measured on this experiment's own steps${backend.measured.remembered ? `, on ${new Date(backend.measured.at).toLocaleString()}; remembered for this device and model size` : ''}`}
        >
          {backend.measured.summary}
          {backend.measured.remembered ? ' (measured earlier)' : ''}
        </span>
      )}
      {backend?.adapter && (
        <span data-testid="adapter" title={`${backend.adapter.vendor} ${backend.adapter.architecture}`}>
          Adapter {backend.adapter.description}
          {backend.adapter.isFallbackAdapter ? ' (software fallback adapter: CPU speed, not GPU speed)' : ''}
        </span>
      )}
      {backend?.skippedSoftwareAdapter && backend.name !== 'webgpu' && (
        <span data-testid="software-webgpu">
          WebGPU here is only a software adapter ({backend.skippedSoftwareAdapter}) on the CPU, so {backend.name} runs (much faster); choose WebGPU under
          Backend to try it.
        </span>
      )}
      <span data-testid="steps-per-sec">{running ? formatRate(stepsPerSec) : 'paused'}</span>
      {memory && (
        <span data-testid="memory">
          {memory.numTensors} tensors · {mb(memory.numBytes)}
          {memory.numBytesInGPU !== null ? ` · GPU ${mb(memory.numBytesInGPU)}` : ''}
          {memory.numBytesInGPUAllocated !== null ? ` (${mb(memory.numBytesInGPUAllocated)} allocated)` : ''}
        </span>
      )}
      {params.length > 0 && teacherParams && (
        <span title="Student parameters and their share of the teacher's">
          student {params.map((p) => `${(p / 1000).toFixed(1)}k`).join(' / ')} params ={' '}
          {params.map((p) => `${((100 * p) / teacherParams).toFixed(1)}%`).join(' / ')} of the teacher’s {(teacherParams / 1000).toFixed(0)}k
        </span>
      )}
      {lastSaved && <span>saved in this browser {new Date(lastSaved).toLocaleTimeString()}</span>}
    </footer>
  );
});
