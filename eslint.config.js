// One small configuration: recommended rules plus the import direction of DESIGN.md §1.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** Folders (under src/) each folder may not import from, and packages it may not use. */
const layers = {
  policy: { folders: ['admission', 'webhook', 'cluster', 'audit', 'report', 'cli', 'config'], packages: ['fastify', '@kubernetes/client-node', 'pino', 'prom-client', 'node:fs', 'node:fs/promises', 'node:process', 'node:child_process', 'node:net', 'node:http', 'node:https'] },
  admission: { folders: ['webhook', 'cluster', 'audit', 'report', 'cli'], packages: ['fastify', '@kubernetes/client-node'] },
  report: { folders: ['webhook', 'cluster', 'audit', 'cli', 'admission'], packages: ['fastify', '@kubernetes/client-node'] },
  config: { folders: ['webhook', 'cluster', 'audit', 'report', 'cli', 'admission'], packages: ['fastify', '@kubernetes/client-node'] },
  webhook: { folders: ['cli', 'audit'], packages: ['@kubernetes/client-node'] },
  audit: { folders: ['cli', 'webhook'], packages: ['@kubernetes/client-node'] },
  cluster: { folders: ['cli', 'webhook', 'audit'], packages: [] },
};

const layerRules = Object.entries(layers).map(([layer, { folders, packages }]) => ({
  files: [`src/${layer}/**/*.ts`],
  rules: {
    'no-restricted-imports': ['error', {
      paths: packages.map((name) => ({ name, message: `src/${layer}/ must not use ${name} (DESIGN.md §1)` })),
      patterns: folders.map((folder) => ({ group: [`../${folder}/*`, `../../${folder}/*`], message: `src/${layer}/ must not import src/${folder}/ (imports point inward, DESIGN.md §1)` })),
    }],
  },
}));

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', '.cache/', 'test/e2e/cluster/'] },
  js.configs.recommended,
  { files: ['**/*.js'], languageOptions: { globals: { process: 'readonly', URL: 'readonly', console: 'readonly' } } },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      'no-restricted-globals': ['error', { name: 'process', message: 'only src/config/, src/cli/ and src/webhook/ touch process' }],
    },
  },
  { files: ['src/cli/**', 'src/config/**', 'src/webhook/**', 'src/audit/**', 'src/cluster/**', 'test/**', 'bench/**', 'scripts/**', 'bin/**'], rules: { 'no-restricted-globals': 'off' } },
  ...layerRules,
);
