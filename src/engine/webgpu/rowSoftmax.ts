// WGSL shared by the per-position kernels: the log-softmax of one row of logits/τ into a local
// array, as tf.logSoftmax computes it ((x − max) − log Σ exp(x − max)), and the softmax as
// tf.softmax does (exp(x − max) / Σ exp(x − max)).

/** Declares `${out}` : array<f32, V> = logSoftmax(`${src}`[row, :] / τ) (τ = 1: no division). */
export function logSoftmaxRow(src: string, out: string, V: number, tau: number): string {
  const x = tau === 1 ? `${src}[base + v]` : `(${src}[base + v] / uniforms.tau)`;
  return `
  var ${out} : array<f32, ${V}>;
  {
    var mx = -3.402823e+38;
    for (var v = 0; v < ${V}; v++) { mx = max(mx, ${x}); }
    var total = 0.0;
    for (var v = 0; v < ${V}; v++) { total += exp(${x} - mx); }
    let lse = log(total);
    for (var v = 0; v < ${V}; v++) { ${out}[v] = (${x} - mx) - lse; }
  }`;
}

/** Declares `${out}` : array<f32, V> = softmax(`${src}`[row, :] / τ). */
export function softmaxRow(src: string, out: string, V: number, tau: number): string {
  const x = tau === 1 ? `${src}[base + v]` : `(${src}[base + v] / uniforms.tau)`;
  return `
  var ${out} : array<f32, ${V}>;
  {
    var mx = -3.402823e+38;
    for (var v = 0; v < ${V}; v++) { mx = max(mx, ${x}); }
    var total = 0.0;
    for (var v = 0; v < ${V}; v++) { total += exp(${x} - mx); }
    for (var v = 0; v < ${V}; v++) { ${out}[v] = exp(${x} - mx) / total; }
  }`;
}
