// Small number formats shared by the status strip and the transport.

/** Throughput that stays readable when a step takes longer than a second (software GPUs). */
export function formatRate(stepsPerSec: number): string {
  if (!(stepsPerSec > 0)) return '– steps/s';
  return stepsPerSec >= 1 ? `${stepsPerSec.toFixed(1)} steps/s` : `${(1 / stepsPerSec).toFixed(1)} s/step`;
}
