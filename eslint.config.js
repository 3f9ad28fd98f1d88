import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** Files of a family import no other family's internals, and do not leave the family with `leaving` (a relative path). */
const familyImports = (files, leaving) => ({
  files,
  rules: {
    'no-restricted-imports': [
      'error',
      {
        patterns: [
          { regex: '^#src/modules/[^/]+/(?!index\\.ts$)', message: "Another family's internals: import its index.ts. Within a family, import relatively." },
          { regex: leaving, message: 'Leaves the family: use a #src/ import.' },
        ],
      },
    ],
  },
});

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', '.atelier/', '.cache/', 'src/core/error-catalog.ts', 'web/dist/', 'web/src/api/schema.ts'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.tsx'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': [
        'error',
        { allowForKnownSafeCalls: [{ from: 'package', package: 'node:test', name: ['test', 'it', 'describe', 'suite'] }] },
      ],
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }],
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'off',
    },
  },
  // A family reaches another family only through its index.ts (ARCHITECTURE.md, "the import rule").
  familyImports(['src/modules/*/**/*.ts'], '^\\.\\./\\.\\./'),
  familyImports(['src/modules/*/*.ts'], '^\\.\\./'),
  {
    files: ['**/*.mjs', '**/*.js'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
  },
  {
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { module: 'writable', require: 'readonly' } },
  },
);
