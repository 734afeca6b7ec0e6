import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { runCli } from '../helpers/cli.ts';
import { SEED_FILE } from '../helpers/seed.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const BIN = join(ROOT, 'bin/stateguard.js');

/** The Node.js binaries older than 24 on this machine (the system one; more in STATEGUARD_OLD_NODES, `:`-separated). */
function olderNodes(): { path: string; version: string }[] {
  const found = new Map<string, { path: string; version: string }>();
  for (const path of [...(process.env['STATEGUARD_OLD_NODES']?.split(':').filter(Boolean) ?? []), '/usr/bin/node', '/usr/local/bin/node']) {
    if (!existsSync(path)) continue;
    const version = execFileSync(path, ['-p', 'process.versions.node'], { encoding: 'utf8' }).trim();
    if (Number(version.split('.')[0]) < 24 && !found.has(version)) found.set(version, { path, version });
  }
  return [...found.values()];
}

const olds = olderNodes();
const old = olds[0];

test('bin/stateguard.js on a Node.js older than 24 exits 2 naming the version it needs', (t) => {
  if (old === undefined) { t.skip('no Node.js older than 24 on this machine'); return; }
  for (const node of olds) {
    const { code, stdout, stderr } = runCli(['review', SEED_FILE], { node: node.path, main: BIN });
    assert.equal(code, 2, stdout + stderr);
    assert.equal(stderr, `stateguard needs Node.js >= 24 (this is ${node.version})\n`);
    assert.equal(stdout, '');
  }
});

test('the built dist/cli/main.js exits 2 on an older Node.js and reviews on Node.js 24', (t) => {
  if (old === undefined) { t.skip('no Node.js older than 24 on this machine'); return; }
  // A sibling of dist/ (same relative paths to package.json and policies/), git-ignored, removed afterwards.
  const outDir = join(ROOT, `.dist-test-${process.pid}`);
  try {
    const build = spawnSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', join(ROOT, 'tsconfig.build.json'), '--outDir', outDir, '--declaration', 'false', '--sourceMap', 'false'], { encoding: 'utf8' });
    assert.equal(build.status, 0, build.stdout + build.stderr);
    const main = join(outDir, 'cli/main.js');
    for (const node of olds) {
      const older = runCli(['review', SEED_FILE], { node: node.path, main });
      assert.equal(older.code, 2, older.stdout + older.stderr);
      assert.equal(older.stderr, `stateguard needs Node.js >= 24 (this is ${node.version})\n`);
    }
    const current = runCli(['review', SEED_FILE], { main });
    assert.equal(current.code, 1, current.stderr);
    assert.match(current.stdout, /DENY StatefulSet default\/web/);
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
});
