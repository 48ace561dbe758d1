// Lint: the recommended JavaScript and TypeScript rules, on our own sources (not the generated imports/).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['e2e/bin/**', 'imports/**', 'build/**', 'dist/**', 'helm/**', 'docs/**', 'node_modules/**', '**/*.js', '**/*.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      // Scripts and tests load modules lazily on purpose (CDK8S_OUTDIR must be set first).
      '@typescript-eslint/no-require-imports': 'off',
      // Synthesized manifests are untyped JSON in tests.
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // Prettier wraps code at 140 but cannot break string literals: this catches the lines it leaves long.
    files: ['lab/**', 'test/**', 'e2e/**'],
    rules: {
      'max-len': ['error', { code: 140, ignoreUrls: true, ignoreRegExpLiterals: true }],
    },
  },
);
