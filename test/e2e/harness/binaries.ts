import { access, readFile } from 'node:fs/promises';
import { join } from 'node:path';

const repoRoot = join(import.meta.dirname, '..', '..', '..');
const goModPath = join(repoRoot, 'test', 'e2e', 'cluster', 'go.mod');

export interface PinnedVersions {
  kubernetes: string;
  etcd: string;
}

export interface ControlPlaneBinaries {
  versions: PinnedVersions;
  etcd: string;
  kubeApiserver: string;
}

/** The versions scripts/e2e-build.sh builds: test/e2e/cluster/go.mod is the only place they are written. */
export async function pinnedVersions(): Promise<PinnedVersions> {
  const goMod = await readFile(goModPath, 'utf8');
  return {
    kubernetes: requiredVersion(goMod, 'k8s.io/kubernetes'),
    etcd: requiredVersion(goMod, 'go.etcd.io/etcd/server/v3'),
  };
}

/** Paths of the binaries built by scripts/e2e-build.sh; fails, never skips, when they are missing. */
export async function controlPlaneBinaries(): Promise<ControlPlaneBinaries> {
  const versions = await pinnedVersions();
  const dir = join(repoRoot, '.cache', 'e2e-bin', `${versions.kubernetes}-${versions.etcd}`);
  const binaries = { versions, etcd: join(dir, 'etcd'), kubeApiserver: join(dir, 'kube-apiserver') };
  for (const path of [binaries.etcd, binaries.kubeApiserver]) {
    try {
      await access(path);
    } catch {
      throw new Error(`e2e control-plane binary ${path} is missing: run scripts/e2e-build.sh first (builds kube-apiserver ${versions.kubernetes} and etcd ${versions.etcd}, about 10 minutes on 2 cores)`);
    }
  }
  return binaries;
}

function requiredVersion(goMod: string, modulePath: string): string {
  const escaped = modulePath.replaceAll('.', '\\.');
  const version = new RegExp(`^\\s*${escaped} (v\\S+)`, 'm').exec(goMod)?.[1];
  if (version === undefined) throw new Error(`${goModPath} does not require ${modulePath}`);
  return version;
}
