/**
 * The helm binary scripts/build-helm.sh builds from the version pinned in tools/helm/go.mod (`npm test` builds it
 * first), and `helm template` of charts/stateguard as parsed objects. A missing binary is an error that says how
 * to build it, never a skip. Helm's cache, config and data go to a temporary directory, not the user's home.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';

const ROOT = resolve(import.meta.dirname, '../..');
export const CHART = join(ROOT, 'charts/stateguard');
const GO_MOD = join(ROOT, 'tools/helm/go.mod');

export type Obj = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> }; [key: string]: unknown };

export function helmVersion(): string {
  const version = /^\s*helm\.sh\/helm\/v4 (v\S+)/m.exec(readFileSync(GO_MOD, 'utf8'))?.[1];
  if (version === undefined) throw new Error(`${GO_MOD} requires no helm.sh/helm/v4 version`);
  return version;
}

export function helmBinary(): string {
  const path = join(ROOT, '.cache/tools', `helm-${helmVersion()}`, 'helm');
  if (!existsSync(path)) throw new Error(`no helm: ${path} is missing (scripts/build-helm.sh builds it from tools/helm/go.mod; npm test runs it first)`);
  return path;
}

let home: string | undefined;
/** HELM_*_HOME in one temporary directory per test process, removed at exit. */
export function helmEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  if (home === undefined) {
    const dir = mkdtempSync(join(tmpdir(), 'stateguard-helm-home-'));
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
    home = dir;
  }
  return { ...process.env, HELM_CACHE_HOME: join(home, 'cache'), HELM_CONFIG_HOME: join(home, 'config'), HELM_DATA_HOME: join(home, 'data'), ...extra };
}

export interface HelmResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function runHelm(args: readonly string[], env: NodeJS.ProcessEnv = {}): HelmResult {
  const result = spawnSync(helmBinary(), args, { env: helmEnv(env), encoding: 'utf8', timeout: 120_000, maxBuffer: 64 * 1024 * 1024 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr + (result.error === undefined ? '' : String(result.error)) };
}

/** A values file for one helm call, in a fresh temporary directory; the caller removes it with the returned cleanup. */
export function valuesFile(values: Record<string, unknown>): { path: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'stateguard-values-'));
  const path = join(dir, 'values.yaml');
  writeFileSync(path, JSON.stringify(values));
  return { path, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** `helm template stateguard charts/stateguard -n <namespace>` with these values, as objects (or the failure). */
export function helmTemplate(values: Record<string, unknown> = {}, namespace = 'stateguard'): Obj[] {
  const file = valuesFile(values);
  try {
    const text = execFileSync(helmBinary(), ['template', 'stateguard', CHART, '--namespace', namespace, '--values', file.path], { env: helmEnv(), encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    return parseAllDocuments(text).map((d) => d.toJS() as Obj).filter(Boolean);
  } finally {
    file.remove();
  }
}

/** Runs helm against a cluster (KUBECONFIG), with `values` as a values file when given; fails with its output unless it exits 0. */
export function helmOk(kubeconfig: string, args: readonly string[], values?: Record<string, unknown>): string {
  const file = values === undefined ? undefined : valuesFile(values);
  try {
    const result = runHelm([...args, ...(file === undefined ? [] : ['--values', file.path])], { KUBECONFIG: kubeconfig });
    if (result.code !== 0) throw new Error(`helm ${args.join(' ')} exited ${String(result.code)}:\n${result.stdout}${result.stderr}`);
    return result.stdout;
  } finally {
    file?.remove();
  }
}

/** The kinds of the objects a release installed (`helm get manifest`). */
export function releaseObjects(kubeconfig: string, release: string, namespace: string): Obj[] {
  return parseAllDocuments(helmOk(kubeconfig, ['get', 'manifest', release, '--namespace', namespace])).map((d) => d.toJS() as Obj).filter(Boolean);
}
