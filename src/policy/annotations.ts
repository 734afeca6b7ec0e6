/**
 * Names of the annotations (and the one label) stateguard reads or writes, its own `stateguard.io/` ones and the
 * well-known Kubernetes ones, in one place so a reader and a writer cannot drift apart.
 */

/** On a StatefulSet: the ids of the policies it asks to be exempted from, comma-separated. */
export const EXEMPT_ANNOTATION = 'stateguard.io/exempt';
/** On a StatefulSet: why it asks for the exemption (an exemption without one is itself a violation). */
export const EXEMPT_REASON_ANNOTATION = 'stateguard.io/exempt-reason';
/** Written by the mutating webhook: the ids of the mutators that changed the object, sorted, comma-separated. */
export const MUTATED_ANNOTATION = 'stateguard.io/mutated';
/** On a policy document: its catalog category (`general` when absent). */
export const CATEGORY_ANNOTATION = 'stateguard.io/category';
/** On a PolicyReport: a hash of the verdict it holds, so an unchanged one is not written again. */
export const VERDICT_ANNOTATION = 'stateguard.io/verdict';
/** Namespace label: the action its StatefulSets get (config `namespaceActions` says what it may change). */
export const NAMESPACE_ACTION_LABEL = 'stateguard.io/action';

/** The pre-1.6 way to name a claim's StorageClass, still honoured by the API server over spec.storageClassName. */
export const BETA_STORAGE_CLASS_ANNOTATION = 'volume.beta.kubernetes.io/storage-class';
/** On a StorageClass: `"true"` makes it the cluster's default. */
export const DEFAULT_STORAGE_CLASS_ANNOTATION = 'storageclass.kubernetes.io/is-default-class';
/** Prefix of the pre-1.30 per-container AppArmor annotations on a pod (`<prefix><container name>`). */
export const APPARMOR_ANNOTATION_PREFIX = 'container.apparmor.security.beta.kubernetes.io/';
