// Lint: type-aware rules plus the layering rule from DESIGN.md (stages import each other only through index.ts).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const stages = ['common', 'syscalls', 'profile', 'ingest', 'runtime', 'generate', 'bpf', 'record', 'verify', 'advise', 'node', 'k8s', 'agent', 'report', 'cli'];

const esc = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * For each stage: forbid deep imports into other stages and imports of stages below it. The patterns are regular
 * expressions over the import path, so they hold at any depth (`../x/…` from src/stage/, `../../x/…` from
 * src/cli/commands/).
 */
const layering = stages.map((stage, i) => ({
  files: [`src/${stage}/**/*.ts`],
  rules: {
    'no-restricted-imports': ['error', {
      patterns: [
        ...stages.filter((s) => s !== stage).map((s) => ({
          regex: `^(\\.\\./)+${esc(s)}/(?!index\\.js$)`,
          message: `import other stages only through their index.ts (DESIGN.md, docs/architecture.md)`,
        })),
        ...stages.slice(i + 1).map((s) => ({
          regex: `^(\\.\\./)+${esc(s)}(/index\\.js)?$`,
          message: `${stage} sits above ${s} in the pipeline; imports go one way (DESIGN.md, docs/architecture.md)`,
        })),
      ],
    }],
  },
}));

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'data/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    // Type-aware: the rules below need the TypeScript program (tsconfig.json covers src, test, bench, scripts).
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }],
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/no-for-in-array': 'error',
      '@typescript-eslint/no-implied-eval': 'error',
    },
  },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-control-regex': 'off',
    },
  },
  ...layering,
  {
    files: ['src/**/*.ts'],
    ignores: ['src/cli/**'],
    rules: {
      'no-restricted-properties': ['error',
        { object: 'process', property: 'exit', message: 'only src/cli exits (DESIGN.md)' },
        { object: 'process', property: 'exitCode', message: 'only src/cli sets the exit code' }],
      'no-console': 'error',
    },
  },
);
