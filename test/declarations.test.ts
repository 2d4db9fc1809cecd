// The method declarations are the one schema the UI, the URL and the CLI read: check that every
// knob is well formed and every method has its card.
import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { METHODS, METHOD_IDS, getMethod, isMethodId } from '../src/engine/methods/declarations';
import { SHARED_PARAMS } from '../src/engine/settings';
import { coerce, defaults, isShown, readValues, type ParamValues } from '../src/engine/params';
import { METRICS } from '../src/engine/metrics/catalog';
import { VOCAB_SIZE } from '../src/engine/tasks/vocab';
import katex from 'katex';

const ALL_IDS = ['sft', 'seqkd', 'kd', 'rkl', 'tvd', 'gkd', 'distillm', 'minillm', 'ammd', 'xkd', 'opd', 'taid', 'distillm2', 'skd', 'abkd'];

describe('method declarations', () => {
  it('declares exactly the fifteen methods of docs/methods.md, once each', () => {
    expect([...METHOD_IDS].sort()).toEqual([...ALL_IDS].sort());
    expect(new Set(METHOD_IDS).size).toBe(METHOD_IDS.length);
    expect(isMethodId('gkd')).toBe(true);
    expect(isMethodId('nope')).toBe(false);
    expect(() => getMethod('nope')).toThrow(/Known methods: .*ammd/);
  });

  it('every parameter default lies in its range and survives coerce unchanged', () => {
    for (const m of METHODS) {
      for (const p of m.params) {
        if (p.kind === 'number') {
          expect(p.min, `${m.id}.${p.id}`).toBeLessThanOrEqual(p.default);
          expect(p.default, `${m.id}.${p.id}`).toBeLessThanOrEqual(p.max);
          expect(p.min).toBeLessThan(p.max);
          expect(p.step).toBeGreaterThan(0);
          if (p.scale === 'log') expect(p.min, `${m.id}.${p.id} log scale needs min > 0`).toBeGreaterThan(0);
        } else if (p.kind === 'choice') {
          expect(
            p.choices.map((c) => c.value),
            `${m.id}.${p.id}`,
          ).toContain(p.default);
        }
        expect(coerce(p, p.default)).toEqual({ value: p.default, problem: null });
        expect(p.help.length, `${m.id}.${p.id} help`).toBeGreaterThan(10);
        expect(['live', 'restart']).toContain(p.apply);
      }
    }
  });

  it('parameter ids are unique per method and never shadow a shared setting', () => {
    const shared = new Set<string>(SHARED_PARAMS.map((p) => p.id));
    for (const m of METHODS) {
      const ids = m.params.map((p) => p.id);
      expect(new Set(ids).size, m.id).toBe(ids.length);
      for (const id of ids) expect(shared.has(id), `${m.id}.${id}`).toBe(false);
    }
  });

  it('uses the defaults of docs/methods.md', () => {
    expect(defaults(getMethod('gkd').params)).toMatchObject({ lambda: 0.5, beta: 0.5, divergence: 'jsd', sampleTemperature: 1 });
    expect(defaults(getMethod('distillm').params)).toMatchObject({ alpha: 0.1, epsilon: 0.1, bufferCapacity: 1000 });
    expect(defaults(getMethod('minillm').params)).toMatchObject({ mixAlpha: 0.2, gamma: 0.95, lengthNorm: true, clip: 0 });
    expect(defaults(getMethod('ammd').params)).toMatchObject({
      beta: 0.5,
      bound: 1,
      criticSteps: 2,
      penalty: 0.3,
      criticLrScale: 10,
      policyGradient: false,
      criticFeatures: 'probs',
    });
    expect(defaults(getMethod('xkd').params)).toMatchObject({ lambda: 1, gamma: 1, base: 'seq' });
    // The 2025 methods, at their papers' (or official code's) defaults; SKD's K is ours (its card says why).
    expect(defaults(getMethod('opd').params)).toEqual({ variant: 'sampled', gamma: 0, sampleTemperature: 1 });
    expect(defaults(getMethod('taid').params)).toEqual({ tStart: 0.4, adaptive: true, alpha: 0.0005, beta: 0.99 });
    expect(defaults(getMethod('distillm2').params)).toEqual({ alphaTeacher: 0.1, alphaStudent: 0.1, beta: 1, sampleTemperature: 0.8 });
    expect(defaults(getMethod('skd').params)).toEqual({ topK: 3, sampleTemperature: 0.5, teacherTemperature: 0.2, divergence: 'fkl' });
    expect(defaults(getMethod('abkd').params)).toEqual({ alpha: 0.2, beta: 0.7 });
  });

  it('SKD’s K reaches the whole vocabulary, where it is plain on-policy distillation', () => {
    const topK = getMethod('skd').params.find((p) => p.id === 'topK');
    expect(topK?.kind === 'number' && topK.max).toBe(VOCAB_SIZE);
  });

  it('a method reports only metrics the catalog declares as its own, and the catalog’s method metrics each have a method', () => {
    const own = METRICS.filter((m) => m.source === 'method').map((m) => m.key);
    expect(own.sort()).toEqual(['skdAcceptance', 'taidT']);
    const reported = METHODS.flatMap((m) => m.reports ?? []);
    expect([...reported].sort()).toEqual(own);
    expect(getMethod('taid').reports).toEqual(['taidT']);
    expect(getMethod('skd').reports).toEqual(['skdAcceptance']);
    for (const m of METHODS) if (m.id !== 'skd') expect(m.speculative, m.id).toBeUndefined();
    expect(getMethod('skd').speculative?.({ ...defaults(getMethod('skd').params), topK: 7 } as never)).toEqual({ topK: 7 });
  });

  it('every method has a complete card', () => {
    for (const m of METHODS) {
      expect(m.label.length).toBeGreaterThan(1);
      expect(m.summary.length).toBeGreaterThan(10);
      expect(m.card.optimises.length, m.id).toBeGreaterThan(20);
      expect(m.card.formula, m.id).toMatch(/\\/); // TeX
      expect(m.card.paper.title.length).toBeGreaterThan(5);
      expect(m.card.paper.authors.length).toBeGreaterThan(5);
      expect(m.card.paper.venue).toMatch(/\d{4}/);
      // An arXiv abstract, except on-policy distillation, whose reference is the Thinking Machines post.
      expect(m.card.paper.url, m.id).toMatch(
        m.id === 'opd' ? /^https:\/\/thinkingmachines\.ai\/blog\/on-policy-distillation\/$/ : /^https:\/\/arxiv\.org\/abs\/\d{4}\.\d{4,5}$/,
      );
      expect(m.card.ours.length, m.id).toBeGreaterThan(0);
    }
    expect(getMethod('ammd').has).toEqual({ criticLoss: true, criticEstimates: true });
    // The card typesets its formula with KaTeX, which would show a parse error in red: none may have one.
    for (const m of METHODS) expect(() => katex.renderToString(m.card.formula, { displayMode: true, throwOnError: true }), m.id).not.toThrow();
    expect(getMethod('xkd').has).toEqual({ criticLoss: true, criticEstimates: false });
    expect(getMethod('ammd').card.ours.join(' ')).toMatch(/tanh/);
    expect(getMethod('ammd').card.ours.join(' ')).toMatch(/penalty/);
  });

  it('cards say what their formulas support: GKD’s JSD ends are defined, not implied; AMMD’s critics carry the penalty c', () => {
    const gkd = getMethod('gkd').card;
    // At β = 0 the written JSD is 0 (m = q): the card defines the ends the engine takes instead.
    expect(gkd.formula).toContain(String.raw`D_{\mathrm{JSD}(0)} := \mathrm{KL}(p\|q)`);
    expect(gkd.formula).toContain(String.raw`D_{\mathrm{JSD}(1)} := \mathrm{KL}(q\|p)`);
    expect(gkd.formula).toContain(String.raw`0<\beta<1`);
    const beta = getMethod('gkd').params.find((p) => p.id === 'beta')!;
    expect(beta.help).not.toMatch(/β = 0 is forward KL/);
    expect(beta.help).toMatch(/0 at β = 0 and at β = 1/);
    expect(gkd.ours.join(' ')).toMatch(/only in the limit/);
    // The critics maximise the gap minus c·Σ_a f²; the student minimises the gap alone.
    const ammd = getMethod('ammd').card.formula;
    expect(ammd).toContain(String.raw`g_f(s_t) - c\sum_a f(s_t,a)^2`);
    expect(ammd).toContain(String.raw`\arg\max_{|f|\le R}`);
    expect(ammd).not.toMatch(/\\max_\{?f_/); // no unpenalised max over the critics left
  });

  it('shows a knob only beside the values that use it: GKD’s β with the JSD alone', () => {
    const gkd = getMethod('gkd');
    const beta = gkd.params.find((p) => p.id === 'beta')!;
    const at = (divergence: string) => isShown(beta, { ...defaults(gkd.params), divergence });
    expect(at('jsd')).toBe(true);
    for (const d of ['fkl', 'rkl', 'tvd']) expect(at(d), d).toBe(false);
    const opd = getMethod('opd');
    const gamma = opd.params.find((p) => p.id === 'gamma')!;
    expect(isShown(gamma, { ...defaults(opd.params), variant: 'sampled' })).toBe(true);
    expect(isShown(gamma, { ...defaults(opd.params), variant: 'dense' })).toBe(false);
    const xkd = getMethod('xkd');
    const div = xkd.params.find((p) => p.id === 'divergence')!;
    expect(isShown(div, { ...defaults(xkd.params), base: 'seq' })).toBe(false);
    expect(isShown(div, { ...defaults(xkd.params), base: 'divergence' })).toBe(true);
    // Every condition names another knob of the same method and only values that knob takes.
    for (const m of METHODS)
      for (const p of m.params) {
        if (!p.shownWhen) continue;
        const other = m.params.find((o) => o.id === p.shownWhen!.param);
        expect(other && other.id !== p.id, `${m.id}.${p.id}`).toBe(true);
        for (const v of p.shownWhen.is) expect(coerce(other!, v).problem, `${m.id}.${p.id} when ${String(v)}`).toBeNull();
        // Shown at the method's defaults, so a first look at the method sees every knob that acts.
        if (m.id !== 'xkd') expect(isShown(p, defaults(m.params)), `${m.id}.${p.id}`).toBe(true);
      }
  });

  it('is plain data: the list, each declaration beside its runtime and the shared knobs import no TensorFlow.js', () => {
    const dir = new URL('../src/engine/methods/', import.meta.url);
    const files = readdirSync(dir).filter((f) => f.endsWith('.declaration.ts'));
    // One declaration file per runtime file that runs a method.
    expect(files.sort()).toEqual(
      ['abkd', 'ammd', 'basic', 'distillm', 'distillm2', 'gkd', 'minillm', 'opd', 'skd', 'taid', 'xkd'].map((f) => `${f}.declaration.ts`),
    );
    for (const file of [...files, 'declarations.ts', 'commonParams.ts', 'types.ts']) {
      const src = readFileSync(new URL(file, dir), 'utf8');
      expect(src, file).not.toMatch(/@tensorflow/);
      expect(src, file).not.toMatch(/from '\.\.\/(model|objectives)/);
      // Declarations import only plain data: other declarations, the shared knobs, the param types
      // (and the types the metric catalog names).
      for (const [, from] of src.matchAll(/from '([^']+)'/g))
        expect(from, file).toMatch(/^\.\/(types|commonParams|[a-z0-9]+\.declaration)$|^\.\.\/params$|^\.\.\/metrics\/catalog$/);
    }
  });

  it('says which per-position quantity each method pushes down, from its hyperparameters', () => {
    const at = (id: string, hyper: Record<string, unknown> = {}) => {
      const m = getMethod(id);
      return m.stepQuantity({ ...defaults(m.params), ...hyper } as never);
    };
    expect(at('sft')).toEqual({ kind: 'nll' });
    expect(at('seqkd')).toEqual({ kind: 'nll' });
    expect(at('kd', { temperature: 2 })).toEqual({ kind: 'fkl', temperature: 2 });
    expect(at('minillm')).toEqual({ kind: 'rkl' });
    expect(at('gkd', { divergence: 'tvd', beta: 0.3 })).toEqual({ kind: 'tvd', beta: 0.3 });
    expect(at('distillm', { divergence: 'srkl', alpha: 0.2 })).toEqual({ kind: 'srkl', alpha: 0.2 });
    expect(at('ammd', { bound: 2 })).toEqual({ kind: 'bestCritic', bound: 2 });
    expect(at('xkd', { divergence: 'jsd' })).toEqual({ kind: 'jsd' });
    expect(at('opd')).toEqual({ kind: 'rkl' });
    expect(at('taid')).toEqual({ kind: 'fkl' });
    expect(at('distillm2', { alphaStudent: 0.3 })).toEqual({ kind: 'srkl', alpha: 0.3 });
    expect(at('skd', { divergence: 'rkl' })).toEqual({ kind: 'rkl' });
    expect(at('abkd', { alpha: 0.5, beta: 0.25 })).toEqual({ kind: 'ab', alpha: 0.5, beta: 0.25 });
  });

  it('reads a method’s resolved values typed, and refuses a missing or ill-kinded one by name', () => {
    const ammd = getMethod('ammd');
    const values: ParamValues = { ...defaults(ammd.params), penalty: 0.25 };
    const typed = readValues(ammd.params, values, 'ammd');
    expect(typed).toEqual(values);
    expect(Object.keys(typed)).toEqual(ammd.params.map((p) => p.id));
    expect(() => readValues(ammd.params, { ...values, penalty: '0.25' }, 'ammd')).toThrow(/ammd: 'penalty' should be a number/);
    expect(() => readValues(ammd.params, { ...values, critic: 'bogus' }, 'ammd')).toThrow(/'critic' should be one of learned, oracle, penalised/);
    expect(() => readValues(ammd.params, { ...values, policyGradient: 1 }, 'ammd')).toThrow(/'policyGradient' should be a boolean/);
    const { beta: _dropped, ...missing } = values;
    expect(() => readValues(ammd.params, missing, 'ammd')).toThrow(/'beta' should be a number, got undefined/);
  });

  it('names the second loss of exactly the methods that chart one', () => {
    for (const m of METHODS) expect(m.sideLoss !== null, m.id).toBe(m.has.criticLoss);
    expect(getMethod('ammd').sideLoss).toBe('critic');
    expect(getMethod('xkd').sideLoss).toBe('reward head');
  });
});
