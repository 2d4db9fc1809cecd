// ROUGE-L (Lin 2004) at the character level: the score the instruction-following papers behind
// Alembic report (MiniLLM, DistiLLM, GKD on Dolly, Self-Instruct, Vicuna, S-NI).

/** Length of the longest common subsequence. */
export function lcsLength(a: string, b: string): number {
  const row = new Array(b.length + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    let diag = 0;
    for (let j = 1; j <= b.length; j++) {
      const up = row[j];
      row[j] = a[i - 1] === b[j - 1] ? diag + 1 : Math.max(row[j], row[j - 1]);
      diag = up;
    }
  }
  return row[b.length];
}

/** Character-level ROUGE-L F1: LCS-based precision and recall, harmonic mean. */
export function rougeL(candidate: string, reference: string): number {
  if (candidate.length === 0 || reference.length === 0) return candidate === reference ? 1 : 0;
  const lcs = lcsLength(candidate, reference);
  if (lcs === 0) return 0;
  const p = lcs / candidate.length;
  const r = lcs / reference.length;
  return (2 * p * r) / (p + r);
}
