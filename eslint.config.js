import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.chorus/**', 'coverage/**', 'bench/results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  {
    files: ['web/src/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    files: ['test/**/*.ts', '**/*.test.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    // Generic code never names a network: only the registry may import a network's folder.
    files: ['src/**/*.ts'],
    ignores: ['src/networks/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: 'networks/(?!registry|contract)[^/]+/',
              message:
                'Import networks through src/networks/registry.ts; generic code never names a network.',
            },
          ],
        },
      ],
    },
  },
  {
    // Only repositories and the database layer touch SQL drivers and the query builder's schema.
    files: ['src/**/*.ts'],
    ignores: ['src/db/**', 'src/**/*.repository.ts', 'src/**/*.test.ts', 'src/jobs/engine.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            { name: 'pg', message: 'Only src/db talks to the database driver.' },
            { name: '@electric-sql/pglite', message: 'Only src/db talks to the database driver.' },
            { name: 'pg-boss', message: 'Only src/jobs/engine.ts talks to the job engine.' },
          ],
          patterns: [
            {
              regex: 'networks/(?!registry|contract)[^/]+/',
              message:
                'Import networks through src/networks/registry.ts; generic code never names a network.',
            },
          ],
        },
      ],
    },
  },
);
