// Every exported recipe carries alembic_trl (src/recipes/alembicTrlFiles.ts, copied from
// recipes/alembic_trl/ by `npm run recipe-package`): the copy must be the package as it is now,
// every Python file and nothing else, and a recipe with any trainer holds it under alembic_trl/.
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ALEMBIC_TRL_FILES } from '../src/recipes/alembicTrlFiles';
import { buildRecipe } from '../src/recipes/build';
import { decodeHash } from '../src/state/url';

describe('the alembic_trl package inside every recipe', () => {
  it('src/recipes/alembicTrlFiles.ts is recipes/alembic_trl/*.py as they are (else: npm run recipe-package)', () => {
    const onDisk = readdirSync('recipes/alembic_trl').filter((n) => n.endsWith('.py'));
    expect(Object.keys(ALEMBIC_TRL_FILES).sort()).toEqual(onDisk.sort());
    for (const name of onDisk) expect(ALEMBIC_TRL_FILES[name], name).toBe(readFileSync(`recipes/alembic_trl/${name}`, 'utf8'));
    // The trainers the recipes import are there.
    for (const name of ['__init__.py', 'base.py', 'losses.py', 'opd.py', 'taid.py', 'distillm2.py', 'skd.py', 'abkd.py', 'minillm.py'])
      expect(onDisk).toContain(name);
  });

  it('a recipe of TRL trainers only carries it too, beside its student folders', () => {
    for (const hash of ['#s1=sft', '#s1=gkd&s1.lambda=1&s2=ammd']) {
      const files = buildRecipe(decodeHash(hash).spec);
      const pkg = files.filter((f) => f.path.startsWith('alembic_trl/'));
      expect(pkg.map((f) => f.path).sort()).toEqual(
        Object.keys(ALEMBIC_TRL_FILES)
          .map((n) => `alembic_trl/${n}`)
          .sort(),
      );
      for (const f of pkg) expect(f.content).toBe(ALEMBIC_TRL_FILES[f.path.slice('alembic_trl/'.length)]);
    }
  });
});
