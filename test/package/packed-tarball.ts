/**
 * `npm pack` of this repository (prepack builds dist/) and an empty project with the tarball installed, as a user
 * gets it: the package tests share one, made once per test process.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '../..');

export interface Installed {
  readonly tarball: string;
  /** Paths inside the tarball, without the leading `package/`. */
  readonly files: readonly string[];
  /** The empty project the tarball was installed into. */
  readonly project: string;
  readonly env: NodeJS.ProcessEnv;
  readonly dir: string;
  /** dist/ did not exist in the checkout before the pack built it: removed again afterwards (a stale dist/ would shadow src/ for bin/stateguard.js). */
  readonly builtDist: boolean;
}

/** Node 24 (this test's own) first on PATH: npm, npx and the package's `#!/usr/bin/env node` all run on it. */
export function nodeEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return { ...process.env, PATH: `${dirname(process.execPath)}${delimiter}${process.env['PATH'] ?? ''}`, NO_COLOR: '1', npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false', ...extra };
}

export function run(command: string, args: readonly string[], cwd: string, env = nodeEnv()): { code: number | null; stdout: string; stderr: string } {
  const result = spawnSync(command, args, { cwd, env, encoding: 'utf8', timeout: 300_000, maxBuffer: 64 * 1024 * 1024 });
  return { code: result.status, stdout: result.stdout, stderr: `${result.stderr}${result.error === undefined ? '' : String(result.error)}` };
}

export function packAndInstall(): Installed {
  const builtDist = !existsSync(join(ROOT, 'dist'));
  const dir = mkdtempSync(join(tmpdir(), 'stateguard-pack-'));
  const env = nodeEnv();
  const packed = JSON.parse(execFileSync('npm', ['pack', '--json', '--pack-destination', dir], { cwd: ROOT, env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, stdio: ['ignore', 'pipe', 'pipe'] })) as { filename: string; files: { path: string }[] }[];
  const [info] = packed;
  if (info === undefined) throw new Error('npm pack reported no package');
  const tarball = join(dir, info.filename);
  const project = join(dir, 'project');
  mkdirSync(project);
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'empty-project', version: '1.0.0', private: true }));
  const install = run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', tarball], project, env);
  if (install.code !== 0) throw new Error(`npm install ${tarball} failed (${install.code}): ${install.stderr}`);
  return { tarball, files: info.files.map((f) => f.path), project, env, dir, builtDist };
}

export function remove(installed: Installed | undefined): void {
  if (installed === undefined) return;
  rmSync(installed.dir, { recursive: true, force: true });
  if (installed.builtDist) rmSync(join(ROOT, 'dist'), { recursive: true, force: true });
}
