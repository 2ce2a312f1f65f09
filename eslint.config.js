// Lint: type-aware rules plus the layering rule from DESIGN.md (stages import each other only through index.ts).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const stages = ['common', 'syscalls', 'profile', 'ingest', 'generate', 'bpf', 'runtime', 'record', 'verify', 'advise', 'node', 'k8s', 'agent', 'report', 'cli'];

/** For each stage: forbid deep imports into other stages and imports of stages below it. */
const layering = stages.map((stage, i) => ({
  files: [`src/${stage}/**/*.ts`],
  rules: {
    'no-restricted-imports': ['error', {
      patterns: [
        ...stages.filter((s) => s !== stage).map((s) => ({
          group: [`../${s}/*`, `!../${s}/index.js`],
          message: `import other stages only through their index.ts (DESIGN.md)`,
        })),
        ...stages.slice(i + 1).map((s) => ({
          group: [`../${s}/index.js`, `../${s}`],
          message: `${stage} sits above ${s} in the pipeline; imports go one way (DESIGN.md)`,
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
