// ESLint: correctness rules plus the architecture's boundaries (docs in CONTRIBUTING.md).
// Formatting is Prettier's job (npm run format); no formatting rules here.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { importX, createNodeResolver } from 'eslint-plugin-import-x';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';

/** An import of one of these folders, from anywhere below src/ (relative paths). */
const folder = (...names) => `^(\\.\\.?/)+(${names.join('|')})(/|$)`;
const TEST = { regex: '^(\\.\\./)+test(/|$)', message: 'src never imports test code: move what both need into src.' };
const TFJS = { group: ['@tensorflow/*'], message: 'The page never loads TensorFlow.js: only src/engine, src/worker and src/cli may.' };

export default tseslint.config(
  { ignores: ['dist/**', 'public/**', 'docs/**', 'node_modules/**', 'test-results/**', '.vite/**', 'recipes/.venv/**', 'src/engine/wasm/assembly/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
    plugins: { 'import-x': importX, 'react-hooks': reactHooks },
    settings: {
      'import-x/extensions': ['.ts', '.tsx', '.js'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts', '.tsx'] },
      'import-x/resolver-next': [createNodeResolver({ extensions: ['.ts', '.tsx', '.js', '.json'] })],
    },
    rules: {
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  {
    // React lives in src/ui only (elsewhere a function named use… is not a hook).
    files: ['src/ui/**'],
    rules: { 'react-hooks/rules-of-hooks': 'error', 'react-hooks/exhaustive-deps': 'error' },
  },
  {
    files: ['src/**'],
    rules: { 'no-restricted-imports': ['error', { patterns: [TEST] }] },
  },
  {
    files: ['src/ui/**', 'src/state/**', 'src/shared/**'],
    rules: { 'no-restricted-imports': ['error', { patterns: [TEST, TFJS] }] },
  },
  {
    files: ['src/engine/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            TEST,
            {
              regex: folder('ui', 'state', 'worker', 'cli', 'shared'),
              message: 'src/engine stands alone: it never imports the page, the worker, the CLI or shared/.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/shared/**', 'src/state/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [TEST, TFJS, { regex: folder('ui', 'cli'), message: 'shared/ and state/ are below the page and the CLI: they never import them.' }] },
      ],
    },
  },
);
