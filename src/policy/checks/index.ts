/** The registry of built-in checks, by the name policies use in `validate.check`. */
import type { Check } from './check.ts';
import { claimTemplateResize } from './claim-template-resize.ts';
import { envPlaintextCredentials } from './env-plaintext-credentials.ts';
import { exemptionReasonRequired } from './exemption-reason-required.ts';
import { headlessServiceExists } from './headless-service-exists.ts';
import { imageTagPinned } from './image-tag-pinned.ts';
import { immutableFieldsUnchanged } from './immutable-fields-unchanged.ts';
import { memoryLimitRequired } from './memory-limit-required.ts';
import { minReplicas } from './min-replicas.ts';
import { nameLength } from './name-length.ts';
import { pdbExists } from './pdb-exists.ts';
import { podSecurityBaseline } from './pod-security-baseline.ts';
import { podSecurityRestricted } from './pod-security-restricted.ts';
import { probesDistinct } from './probes-distinct.ts';
import { pvcRetentionRetain } from './pvc-retention-retain.ts';
import { readinessProbeRequired } from './readiness-probe-required.ts';
import { resourceRequestsRequired } from './resource-requests-required.ts';
import { scaleDownRetention } from './scale-down-retention.ts';
import { selectorMatchesTemplate } from './selector-matches-template.ts';
import { serviceAccountConsistent } from './service-account-consistent.ts';
import { spreadSelectsOwnPods } from './spread-selects-own-pods.ts';
import { storageClassAllowed } from './storage-class-allowed.ts';
import { storageClassExists } from './storage-class-exists.ts';
import { storageClassExpandable } from './storage-class-expandable.ts';
import { storageClassNotDeprecated } from './storage-class-not-deprecated.ts';
import { storageRequestRequired } from './storage-request-required.ts';
import { storageSizeBounds } from './storage-size-bounds.ts';
import { templateSanity } from './template-sanity.ts';
import { volumeClaimMounted } from './volume-claim-mounted.ts';

export type { Check, CheckContext, CheckOutcome } from './check.ts';

const ALL: readonly Check[] = [
  envPlaintextCredentials, exemptionReasonRequired, headlessServiceExists, imageTagPinned, immutableFieldsUnchanged,
  memoryLimitRequired, minReplicas, nameLength, pdbExists, podSecurityBaseline, podSecurityRestricted, probesDistinct,
  pvcRetentionRetain, readinessProbeRequired, resourceRequestsRequired, scaleDownRetention, selectorMatchesTemplate,
  serviceAccountConsistent, spreadSelectsOwnPods, storageClassExists, storageRequestRequired, templateSanity,
  volumeClaimMounted,
  // Storage rules of issue #16.
  claimTemplateResize, storageClassAllowed, storageClassExpandable, storageClassNotDeprecated, storageSizeBounds,
];

export const CHECKS: ReadonlyMap<string, Check> = new Map(ALL.map((check) => [check.name, check]));
