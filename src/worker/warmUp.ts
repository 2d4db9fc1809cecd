// On a GPU the first step of a configuration compiles its shader programs, which takes far
// longer than the step. Take that step while the page is loading, on a throwaway copy of each
// student (same shapes, so the compiled programs are the ones play will use); the run itself,
// its random streams and its weights are untouched.
import type { BackendName } from '../engine/backend';
import type { Transformer } from '../engine/model/transformer';
import { Trainer } from '../engine/trainer';

export async function warmUp(trainers: readonly Trainer[], teacher: Transformer, backendName: BackendName | undefined, evalPrompts: number): Promise<void> {
  if (backendName !== 'webgpu' && backendName !== 'webgl') return;
  const seen = new Set<string>();
  for (const trainer of trainers) {
    const key = JSON.stringify(trainer.config);
    if (seen.has(key)) continue;
    seen.add(key);
    const scratch = await Trainer.create(trainer.config, teacher, { backendName, evalPrompts });
    try {
      await scratch.trainStep({ evaluate: false });
    } finally {
      scratch.dispose();
    }
  }
}
