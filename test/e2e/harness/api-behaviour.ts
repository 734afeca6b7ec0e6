/**
 * How the API server's behaviour differs between the supported Kubernetes releases (test/e2e/cluster/releases).
 * Each difference is a named branch here, with what was observed on which release, so a scenario asserts the
 * behaviour of the release it runs against instead of skipping.
 */
import type { Release } from './release.ts';

/**
 * KEP-961 (maxUnavailable for StatefulSet rolling updates): the 1.37 API server defaults
 * spec.updateStrategy.rollingUpdate.maxUnavailable to 1 when a StatefulSet leaves it unset; the 1.35 one does not
 * (observed on v1.35.4 and v1.37.2; 1.36 is not tested, so the branch is drawn at 1.37).
 */
export function defaultsStatefulSetMaxUnavailable(release: Release): boolean {
  return release.minorNumber >= 37;
}

/** spec.updateStrategy as the API server stores it for a StatefulSet that sets none. */
export function defaultUpdateStrategy(release: Release): { type: 'RollingUpdate'; rollingUpdate: { partition: number; maxUnavailable?: number } } {
  return { type: 'RollingUpdate', rollingUpdate: defaultsStatefulSetMaxUnavailable(release) ? { maxUnavailable: 1, partition: 0 } : { partition: 0 } };
}

/**
 * How the API server refuses, on its own, an UPDATE that changes spec.volumeClaimTemplates (pkg/apis/apps/validation):
 * 1.35 answers with the generic "updates to statefulset spec for fields other than … are forbidden"; 1.37 names the
 * field, "spec.volumeClaimTemplates: … field is immutable" (observed on v1.35.4 and v1.37.2; 1.36 is not tested).
 */
export function claimTemplateChangeRefusal(release: Release): RegExp {
  return release.minorNumber >= 37
    ? /spec\.volumeClaimTemplates: Invalid value: .*field is immutable/
    : /spec: Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden/;
}
