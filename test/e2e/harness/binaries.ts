import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { selectedRelease, type Release } from './release.ts';

const repoRoot = join(import.meta.dirname, '..', '..', '..');

export interface PinnedVersions {
  kubernetes: string;
  etcd: string;
}

export interface ControlPlaneBinaries {
  release: Release;
  versions: PinnedVersions;
  etcd: string;
  kubeApiserver: string;
  /** kubectl built from the same Kubernetes release, never the one on PATH. */
  kubectl: string;
}

/** The versions scripts/e2e-build.sh builds for the selected release: its go.mod is the only place they are written. */
export function pinnedVersions(release: Release = selectedRelease()): PinnedVersions {
  return { kubernetes: release.kubernetes, etcd: release.etcd };
}

/** The directory scripts/e2e-build.sh builds a release into. */
export function binariesDir(release: Release): string {
  return join(repoRoot, '.cache', 'e2e-bin', `${release.kubernetes}-${release.etcd}`);
}

/** Paths of the binaries built by scripts/e2e-build.sh; fails, never skips, when they are missing. */
export async function controlPlaneBinaries(release: Release = selectedRelease()): Promise<ControlPlaneBinaries> {
  const dir = binariesDir(release);
  const binaries = { release, versions: pinnedVersions(release), etcd: join(dir, 'etcd'), kubeApiserver: join(dir, 'kube-apiserver'), kubectl: join(dir, 'kubectl') };
  for (const path of [binaries.etcd, binaries.kubeApiserver, binaries.kubectl]) {
    try {
      await access(path);
    } catch {
      throw new Error(`e2e binary ${path} is missing: run scripts/e2e-build.sh ${release.minor} first (builds etcd ${release.etcd}, kube-apiserver and kubectl ${release.kubernetes}; about 15 minutes on 2 cores)`);
    }
  }
  return binaries;
}
