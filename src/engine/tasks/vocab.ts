// The one character vocabulary every task shares. Token ids are fixed: a saved teacher's
// embedding rows depend on them, so append new characters at the end, never reorder.
export const PAD = 0;
export const BOS = 1;
export const EOS = 2;

const CHARS = '0123456789+=abcdefghijklmnopqrstuvwxyz >.';
const SPECIALS = ['<pad>', '<bos>', '<eos>'];

export const VOCAB: readonly string[] = [...SPECIALS, ...CHARS.split('')];
export const VOCAB_SIZE = VOCAB.length;

const ID = new Map<string, number>(VOCAB.map((c, i) => [c, i]));

export function encode(text: string): number[] {
  return [...text].map((c) => {
    const id = ID.get(c);
    if (id === undefined) throw new Error(`Character '${c}' is not in the vocabulary`);
    return id;
  });
}

/** Decode ids to text, stopping at EOS and skipping BOS/PAD. */
export function decode(ids: ArrayLike<number>): string {
  let out = '';
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i];
    if (id === EOS) break;
    if (id === PAD || id === BOS) continue;
    out += VOCAB[id] ?? '?';
  }
  return out;
}

/** Printable form of one token, for the samples panel. */
export function tokenLabel(id: number): string {
  if (id === EOS) return '⏎';
  if (id === PAD) return '·';
  if (id === BOS) return '⊢';
  const c = VOCAB[id];
  return c === ' ' ? '␣' : c;
}
