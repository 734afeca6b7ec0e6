import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { parse } from 'yaml';
import { packAndInstall, remove, ROOT, run, type Installed } from './packed-tarball.ts';

let installed: Installed;

before(() => {
  installed = packAndInstall();
});

after(() => {
  remove(installed);
});

test('npm pack ships the compiled CLI, the policies, the examples and the license: no TypeScript sources', () => {
  const { files } = installed;
  for (const file of ['bin/stateguard.js', 'dist/cli/main.js', 'dist/policy/index.js', 'package.json', 'README.md', 'LICENSE', 'examples/seed-statefulset.yaml']) {
    assert.ok(files.includes(file), `${file} is in the tarball`);
  }
  assert.ok(files.some((f) => f.startsWith('policies/')));
  assert.deepEqual(files.filter((f) => f.startsWith('src/') || f.startsWith('test/') || (f.endsWith('.ts') && !f.endsWith('.d.ts'))), []);
  const manifest = JSON.parse(readFileSync(join(installed.project, 'node_modules/@stateguard/cli/package.json'), 'utf8')) as { name: string; private?: boolean; bin: Record<string, string> };
  assert.equal(manifest.name, '@stateguard/cli');
  assert.equal(manifest.private, undefined, 'publishable');
  assert.deepEqual(manifest.bin, { stateguard: './bin/stateguard.js' });
  assert.ok(!existsSync(join(installed.project, 'node_modules/@stateguard/cli/src')));
});

test('in an empty project, npx stateguard review runs the installed package on the seed example: DENY, exit 1', () => {
  const seed = join(ROOT, 'examples/seed-statefulset.yaml');
  const result = run('npx', ['--no-install', 'stateguard', 'review', seed], installed.project, installed.env);
  assert.equal(result.code, 1, result.stderr);
  assert.match(result.stdout, /^DENY StatefulSet default\/web /m);
  assert.match(result.stdout, /resource-requests-required/);
  const version = run('npx', ['--no-install', 'stateguard', '--version'], installed.project, installed.env);
  assert.equal(version.stdout.trim(), (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version);
});

type Step = { uses?: string; with?: Record<string, unknown>; run?: string; env?: Record<string, string>; id?: string; if?: string };

test('the GitHub Action: setup-node 24, review from the package, SARIF uploaded, the job failed by the review\'s exit code', () => {
  const action = parse(readFileSync(join(ROOT, 'action.yml'), 'utf8')) as { inputs: Record<string, { default?: string }>; runs: { using: string; steps: Step[] } };
  assert.equal(action.runs.using, 'composite');
  const [setup, review, upload, verdict] = action.runs.steps as [Step, Step, Step, Step];
  assert.match(setup.uses ?? '', /^actions\/setup-node@/);
  assert.equal(String(setup.with?.['node-version']), '24');
  assert.equal(review.run, '"$GITHUB_ACTION_PATH/scripts/action-review.sh"');
  assert.equal(review.env?.['STATEGUARD_PACKAGE'], '@stateguard/cli@${{ inputs.version }}');
  assert.equal(action.inputs['version']?.default, (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version, 'the action runs the package version it is released with');
  assert.match(upload.uses ?? '', /^github\/codeql-action\/upload-sarif@/);
  assert.match(verdict.run ?? '', /exit "\$\{\{ steps\.review\.outputs\.exit-code \}\}"/);

  // The entry point, as the runner calls it, with the packed tarball as the package.
  const output = join(installed.dir, 'github-output');
  writeFileSync(output, '');
  const sarif = join(installed.dir, 'stateguard.sarif');
  const result = run(join(ROOT, 'scripts/action-review.sh'), [], installed.project, {
    ...installed.env, npm_config_prefer_offline: 'true', GITHUB_OUTPUT: output,
    STATEGUARD_PACKAGE: installed.tarball, STATEGUARD_PATHS: `${join(ROOT, 'examples/seed-statefulset.yaml')} ${join(ROOT, 'deploy/base/service.yaml')}`, STATEGUARD_FAIL_ON: 'deny', STATEGUARD_SARIF: sarif,
  });
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /^DENY StatefulSet default\/web /m, 'the text review is in the log');
  const outputs = Object.fromEntries(readFileSync(output, 'utf8').trim().split('\n').map((line) => line.split('=') as [string, string]));
  assert.deepEqual(outputs, { 'sarif-written': 'true', 'sarif-file': sarif, 'exit-code': '1' });
  const log = JSON.parse(readFileSync(sarif, 'utf8')) as { runs: { results: { ruleId: string }[] }[] };
  assert.ok(log.runs[0]?.results.some((r) => r.ruleId === 'resource-requests-required'));
});

test('the GitHub Action entry point records exit 2 and no SARIF upload when an input cannot be read', () => {
  const output = join(installed.dir, 'github-output-missing');
  writeFileSync(output, '');
  const result = run(join(ROOT, 'scripts/action-review.sh'), [], installed.project, {
    ...installed.env, npm_config_prefer_offline: 'true', GITHUB_OUTPUT: output,
    STATEGUARD_PACKAGE: installed.tarball, STATEGUARD_PATHS: join(installed.dir, 'no-such-dir'), STATEGUARD_SARIF: join(installed.dir, 'missing.sarif'),
  });
  assert.equal(result.code, 0, result.stderr);
  assert.match(readFileSync(output, 'utf8'), /^sarif-written=false$/m);
  assert.match(readFileSync(output, 'utf8'), /^exit-code=2$/m);
});

test('the pre-commit hook: a node hook whose entry, run on staged files, fails on a deny violation and passes other files', () => {
  const [hook, ...more] = parse(readFileSync(join(ROOT, '.pre-commit-hooks.yaml'), 'utf8')) as { id: string; entry: string; language: string; files: string }[];
  assert.equal(more.length, 0);
  assert.equal(hook?.id, 'stateguard-review');
  assert.equal(hook.language, 'node');
  const files = new RegExp(hook.files);
  assert.ok(files.test('examples/seed-statefulset.yaml') && files.test('k8s/db.json') && !files.test('README.md'));
  const [command, ...args] = hook.entry.split(' ') as [string, ...string[]];
  // pre-commit puts the installed package's bin on PATH and appends the file names.
  const bin = join(installed.project, 'node_modules/.bin', command);
  const denied = run(bin, [...args, join(ROOT, 'examples/seed-statefulset.yaml'), join(ROOT, 'deploy/base/service.yaml')], installed.project, installed.env);
  assert.equal(denied.code, 1, denied.stderr);
  assert.match(denied.stdout, /^DENY StatefulSet default\/web /m);
  const other = run(bin, [...args, join(ROOT, 'deploy/base/service.yaml')], installed.project, installed.env);
  assert.equal(other.code, 0, other.stderr);
});
