// One small configuration: recommended rules plus the import direction of DESIGN.md §1.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** Node built-ins that do I/O or reach the process: named bare (`fs`) or with the `node:` scheme, subpaths included. */
const IO_BUILTINS = ['fs', 'process', 'child_process', 'net', 'http', 'https', 'http2', 'tls', 'dgram', 'os', 'worker_threads', 'cluster'];
const builtinPatterns = (names) => names.flatMap((name) => [name, `${name}/*`, `node:${name}`, `node:${name}/*`]);
/** A package and every deep import of it (`@kubernetes/client-node/dist/...`). */
const packagePatterns = (names) => names.flatMap((name) => [name, `${name}/*`]);

const KUBE = ['@kubernetes/client-node'];
const SERVER = ['fastify', '@fastify/*', 'pino', 'prom-client'];

/** Folders (under src/) each folder may not import from, and packages (import patterns) it may not use. */
const layers = {
  policy: { folders: ['admission', 'webhook', 'cluster', 'audit', 'report', 'cli', 'config', 'certificates', 'logging', 'metrics'], packages: [...packagePatterns([...KUBE, ...SERVER]), ...builtinPatterns(IO_BUILTINS)] },
  admission: { folders: ['webhook', 'cluster', 'audit', 'report', 'cli', 'metrics', 'logging', 'certificates'], packages: packagePatterns(['fastify', '@fastify/*', ...KUBE]) },
  report: { folders: ['webhook', 'cluster', 'audit', 'cli', 'admission', 'metrics', 'logging', 'certificates'], packages: packagePatterns(['fastify', '@fastify/*', ...KUBE]) },
  config: { folders: ['webhook', 'cluster', 'audit', 'report', 'cli', 'admission', 'metrics', 'certificates'], packages: packagePatterns(['fastify', '@fastify/*', ...KUBE]) },
  webhook: { folders: ['cli', 'audit'], packages: packagePatterns(KUBE) },
  audit: { folders: ['cli', 'webhook'], packages: packagePatterns(KUBE) },
  cluster: { folders: ['cli', 'webhook', 'audit'], packages: [] },
  // Rooms of one concern each, used by the server, the cluster wiring and the CLI alike: they import only the engine
  // (metrics also the admission outcome it counts).
  certificates: { folders: ['admission', 'webhook', 'cluster', 'audit', 'report', 'cli', 'config', 'logging', 'metrics'], packages: packagePatterns([...KUBE, ...SERVER]) },
  logging: { folders: ['admission', 'webhook', 'cluster', 'audit', 'report', 'cli', 'config', 'certificates', 'metrics'], packages: packagePatterns(['fastify', '@fastify/*', 'prom-client', ...KUBE]) },
  metrics: { folders: ['webhook', 'cluster', 'audit', 'report', 'cli', 'config', 'certificates', 'logging'], packages: packagePatterns(['fastify', '@fastify/*', 'pino', ...KUBE]) },
};

const layerRules = Object.entries(layers).map(([layer, { folders, packages }]) => ({
  files: [`src/${layer}/**/*.ts`],
  rules: {
    'no-restricted-imports': ['error', {
      patterns: [
        ...(packages.length === 0 ? [] : [{ group: packages, message: `src/${layer}/ must not use this package or built-in (DESIGN.md §1)` }]),
        ...folders.map((folder) => ({ group: [`../${folder}/*`, `../../${folder}/*`], message: `src/${layer}/ must not import src/${folder}/ (imports point inward, DESIGN.md §1)` })),
      ],
    }],
  },
}));

/** Where `process` may be touched; everywhere else it is reached only through an argument. */
const PROCESS_FOLDERS = ['src/cli', 'src/config', 'src/webhook', 'src/audit', 'src/cluster', 'src/metrics', 'test', 'bench', 'scripts', 'bin'];
const PROCESS_MESSAGE = `only ${PROCESS_FOLDERS.join(', ')} touch process`;

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', '.cache/', 'test/e2e/cluster/', 'src/generated/'] },
  js.configs.recommended,
  { files: ['**/*.js'], languageOptions: { globals: { process: 'readonly', URL: 'readonly', console: 'readonly' } } },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      'no-restricted-globals': ['error', { name: 'process', message: PROCESS_MESSAGE }],
      'no-restricted-properties': ['error',
        { object: 'globalThis', property: 'process', message: PROCESS_MESSAGE },
        { object: 'global', property: 'process', message: PROCESS_MESSAGE }],
    },
  },
  { files: PROCESS_FOLDERS.map((folder) => `${folder}/**`), rules: { 'no-restricted-globals': 'off', 'no-restricted-properties': 'off' } },
  ...layerRules,
);
