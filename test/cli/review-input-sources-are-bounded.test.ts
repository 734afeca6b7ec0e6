import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, closeSync, copyFileSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { runCli } from '../helpers/cli.ts';
import { runCliInProcess } from '../helpers/cli-in-process.ts';
import { SEED_FILE } from '../helpers/seed.ts';

const seedText = readFileSync(SEED_FILE, 'utf8');
const NO_STACK = /\n\s+at /;

test('symbolic links to files and directories inside a reviewed directory are followed', async () => {
  const base = mkdtempSync(join(tmpdir(), 'stateguard-links-'));
  const reviewed = join(base, 'reviewed');
  const elsewhere = join(base, 'elsewhere');
  mkdirSync(reviewed);
  mkdirSync(elsewhere);
  copyFileSync(SEED_FILE, join(elsewhere, 'web.yaml'));
  symlinkSync(join(elsewhere, 'web.yaml'), join(reviewed, 'linked.yaml'));
  symlinkSync(elsewhere, join(reviewed, 'linked-dir'));
  const { code, stdout, stderr } = await runCliInProcess(['review', reviewed]);
  assert.equal(code, 1, stdout + stderr);
  assert.match(stdout, /DENY StatefulSet default\/web .*linked-dir\/web\.yaml:\d+/);
  assert.match(stdout, /DENY StatefulSet default\/web .*linked\.yaml:\d+/);
  assert.match(stdout, /^2 StatefulSets reviewed/m);
});

test('a broken symbolic link and a link loop are input errors; the rest is reviewed', async () => {
  const reviewed = mkdtempSync(join(tmpdir(), 'stateguard-badlinks-'));
  copyFileSync(SEED_FILE, join(reviewed, 'web.yaml'));
  symlinkSync(join(reviewed, 'gone.yaml'), join(reviewed, 'broken.yaml'));
  mkdirSync(join(reviewed, 'sub'));
  symlinkSync(reviewed, join(reviewed, 'sub', 'up'));
  symlinkSync('self.yaml', join(reviewed, 'self.yaml'));
  const { code, stdout, stderr } = await runCliInProcess(['review', reviewed]);
  assert.equal(code, 2, stdout + stderr);
  assert.match(stdout, /broken\.yaml: broken symbolic link \(to .*gone\.yaml\): no such file or directory/);
  assert.match(stdout, /self\.yaml: broken symbolic link \(to self\.yaml\): too many levels of symbolic links/);
  assert.match(stdout, /sub\/up: symbolic link loop/);
  assert.match(stdout, /^1 StatefulSet reviewed: 1 denied.*3 input errors$/m);
  assert.doesNotMatch(stdout + stderr, NO_STACK);
});

test('a subdirectory that cannot be read (a path longer than PATH_MAX, which root hits too) is an input error; the rest is reviewed', async () => {
  const base = mkdtempSync(join(tmpdir(), 'stateguard-deep-'));
  copyFileSync(SEED_FILE, join(base, 'web.yaml'));
  const cwd = process.cwd();
  try {
    process.chdir(base);
    for (let depth = 0; depth < 22; depth++) {
      mkdirSync('d'.repeat(200));
      process.chdir('d'.repeat(200));
    }
  } finally {
    process.chdir(cwd);
  }
  const { code, stdout, stderr } = await runCliInProcess(['review', base]);
  assert.equal(code, 2, stdout + stderr);
  assert.match(stdout, /ERROR .*dddd: cannot read directory: the path is too long/);
  assert.match(stdout, /DENY StatefulSet default\/web .*web\.yaml/);
  assert.doesNotMatch(stdout + stderr, NO_STACK);
  try { execFileSync('rm', ['-rf', base]); } catch { /* best effort */ }
});

test('a subdirectory without read permission is an input error; the rest is reviewed', async (t) => {
  if (process.getuid?.() === 0) {
    t.skip('root reads a mode-000 directory; the PATH_MAX case above covers an unreadable directory as root');
    return;
  }
  const base = mkdtempSync(join(tmpdir(), 'stateguard-perm-'));
  copyFileSync(SEED_FILE, join(base, 'web.yaml'));
  mkdirSync(join(base, 'locked'));
  chmodSync(join(base, 'locked'), 0o000);
  try {
    const { code, stdout, stderr } = await runCliInProcess(['review', base]);
    assert.equal(code, 2, stdout + stderr);
    assert.match(stdout, /locked: cannot read directory: permission denied/);
    assert.match(stdout, /DENY StatefulSet default\/web/);
  } finally {
    chmodSync(join(base, 'locked'), 0o700);
    rmSync(base, { recursive: true });
  }
});

// The three below run the CLI as a process: stdin is a real pipe or device, and a read that blocked would hang only
// the child (runCli's timeout), not the test runner.
test('stdin has the same 64 MiB limit as a file: a bigger stream is refused, not reviewed', () => {
  const big = Buffer.from(`${seedText}# ${'x'.repeat(65 * 1024 * 1024)}\n`);
  const { code, stdout, stderr } = runCli(['review', '-'], { input: big });
  assert.equal(code, 2, stderr);
  assert.match(stdout, /<stdin>: stdin is over the 64 MiB limit/);
  assert.match(stdout, /^0 StatefulSets reviewed/m);
});

test('an endless stdin (/dev/zero) stops at the limit with a clear error', () => {
  const fd = openSync('/dev/zero', 'r');
  try {
    const { code, stdout, stderr } = runCli(['review', '-'], { stdinFd: fd });
    assert.equal(code, 2, stderr);
    assert.match(stdout, /<stdin>: stdin is over the 64 MiB limit .*stopped reading/);
    assert.doesNotMatch(stdout + stderr, NO_STACK);
  } finally {
    closeSync(fd);
  }
});

test('a FIFO or a device given as a path is refused at once, never read', () => {
  const dir = mkdtempSync(join(tmpdir(), 'stateguard-fifo-'));
  const fifo = join(dir, 'pipe.yaml');
  execFileSync('mkfifo', [fifo]);
  const { code, stdout, stderr } = runCli(['review', fifo, '/dev/zero', dir, SEED_FILE]);
  assert.equal(code, 2, stdout + stderr);
  assert.match(stdout, /pipe\.yaml: a FIFO \(named pipe\), not a manifest file: refused/);
  assert.match(stdout, /\/dev\/zero: a character device, not a manifest file: refused/);
  assert.equal(stdout.match(/pipe\.yaml: a FIFO/g)?.length, 2, 'named and found in the directory');
  assert.match(stdout, /DENY StatefulSet default\/web/);
});
