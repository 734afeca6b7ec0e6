/**
 * The vocabulary of the engine: policies, evaluation requests and results.
 *
 * Glossary — each word means one thing across src/:
 * - kind: a Kubernetes object kind (`StatefulSet`, `Scale`, `AdmissionReview`). Not a collection: a watched API path
 *   is a collection (cluster/watched-collection.ts, LOOKUP_COLLECTIONS); the `containers`/`initContainers`/
 *   `ephemeralContainers` arrays are container lists (pod.ts, ContainerList); what a policy runs (validate, lookup,
 *   mutator) is its rule type (cli/catalog.ts ruleTypeOf); a tagged union's tag is `type`.
 * - policy set: the compiled policies in force (PolicySet); `set` in code names one. Manifests read from files are
 *   a ManifestReading (cli/read-manifests.ts).
 * - review: `stateguard review`, the offline CLI command. An AdmissionReview is the API object the webhooks receive;
 *   its `request`, parsed and checked, is an AdmissionRequest (admission/types.ts). What every output format renders
 *   is a Report of ReportItems (report/model.ts), for `review` and `audit` alike; an item's `source` is a file or, in
 *   an audit, the object's API path.
 * - surface: where the engine runs — the validate webhook, the mutate webhook, review, audit (surface.ts).
 * - exemption: an annotation on the StatefulSet (`stateguard.io/exempt`); exception: a StatefulSetPolicyException
 *   resource. Both skip a policy; neither word is used for the other.
 */
import type { ExceptionRef, ExceptionsInput, ExceptionTrace } from './exception-types.ts';
import type { FromSchema } from './from-schema.ts';
import type { LABEL_SELECTOR_SCHEMA, SCOPE_SCHEMA } from './policy-schema.ts';

export const ACTIONS = ['deny', 'warn', 'audit', 'off'] as const;
export type Action = (typeof ACTIONS)[number];

export const SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** PolicyReport result vocabulary. */
export const RESULTS = ['pass', 'fail', 'warn', 'error', 'skip'] as const;
export type Result = (typeof RESULTS)[number];

export const OPERATIONS = ['CREATE', 'UPDATE', 'DELETE', 'CONNECT'] as const;
export type Operation = (typeof OPERATIONS)[number];

/** What a policy evaluates: a StatefulSet, or an autoscaling/v1 Scale of one (statefulsets/scale). */
export const TARGETS = ['StatefulSet', 'Scale'] as const;
export type Target = (typeof TARGETS)[number];

export type JsonObject = { [key: string]: unknown };

export interface Validate {
  readonly forEach?: string;
  readonly schema?: JsonObject;
  readonly check?: string;
  /** For schema rules: the field, relative to the object or forEach element, that the finding points at. */
  readonly path?: string;
  readonly params: JsonObject;
  readonly message: string;
  readonly fix: string;
}

export interface Mutate {
  readonly mutator: string;
  readonly params: JsonObject;
  /**
   * The mutator's switch (`mutate.enabled` in the policy file, `policies.<id>.enabled` in the config file): a
   * mutator has no action and no severity; action precedence (config, namespace label, ceiling) is validation's.
   */
  readonly enabled: boolean;
}

/** A Kubernetes label selector (policy-schema.ts). */
export type LabelSelector = FromSchema<typeof LABEL_SELECTOR_SCHEMA>;

/** One `match` or `exclude` block: it holds when every criterion it gives holds (src/policy/match.ts; policy-schema.ts). */
export type PolicyScope = FromSchema<typeof SCOPE_SCHEMA>;

/** The parts of a scope; those whose data was missing are reported as not checked. */
export const SCOPE_PARTS = ['namespaces', 'namespaceLabels', 'labels', 'operations', 'subjects'] as const;
export type ScopePart = (typeof SCOPE_PARTS)[number];

/** What every policy has; a policy validates (ValidatingPolicy, which may also mutate) or only mutates (MutatingPolicy). */
interface PolicyBase {
  readonly id: string;
  readonly file: string;
  readonly line: number;
  readonly category: string;
  readonly description: string;
  readonly operations: readonly Operation[];
  readonly targets: readonly Target[];
  /** Needs cluster data (LOOKUP): skipped, with the reason, when the lookup context lacks it. */
  readonly lookup: boolean;
  /**
   * Also enforced by the mutating webhook: for UPDATE rules whose violations the API server's own validation
   * (which runs between the mutating and the validating webhooks) would otherwise reject with a terser message.
   */
  readonly enforceInMutatingWebhook: boolean;
  /** Only requests this block holds for (absent: all). */
  readonly match?: PolicyScope;
  /** Never requests this block holds for. */
  readonly exclude?: PolicyScope;
}

/** A policy that validates: its severity and its action (with precedence, DESIGN.md §3) are the validation's. */
export interface ValidatingPolicy extends PolicyBase {
  readonly severity: Severity;
  readonly action: Action;
  readonly validate: Validate;
  /** A mutator beside the validation: switched by its own `enabled`, not by the action. */
  readonly mutate?: Mutate;
}

/** A policy that only mutates: on or off (`mutate.enabled`), with no severity and no action. */
export interface MutatingPolicy extends PolicyBase {
  readonly severity?: undefined;
  readonly action?: undefined;
  readonly validate?: undefined;
  readonly mutate: Mutate;
}

export type Policy = ValidatingPolicy | MutatingPolicy;

/** Whether the policy validates (and so has a severity and an action). */
export function isValidating(policy: Policy): policy is ValidatingPolicy {
  return policy.validate !== undefined;
}

/** The requesting user, as the AdmissionReview's `request.userInfo` gives it. */
export interface UserInfo {
  readonly username?: string;
  readonly uid?: string;
  readonly groups?: readonly string[];
  readonly extra?: Readonly<Record<string, readonly string[]>>;
}

/**
 * What the cluster's authoriser (a SubjectAccessReview per policy: verb `exempt` on `statefulsetpolicies.stateguard.io`
 * named by the policy id, in the object's namespace) said about the requesting user's right to exempt the policies
 * an object's annotation names. Computed by the webhook (I/O), handed to the engine as data.
 */
export interface ExemptionGrant {
  /** Policy ids the user may exempt. */
  readonly allowed: readonly string[];
  /** Policy ids whose question could not be answered (the call failed or was refused), with why: never a grant. */
  readonly unavailable?: Readonly<Record<string, string>>;
}

/** The kinds of cluster data LOOKUP policies read. */
export const LOOKUP_DATA = ['storageClasses', 'services', 'podDisruptionBudgets', 'limitRanges'] as const;
export type LookupData = (typeof LOOKUP_DATA)[number];

/** Read-only cluster data. A function returns undefined when that kind of data is not (yet) available. */
export interface LookupContext {
  storageClass?(name: string): JsonObject | null | undefined;
  defaultStorageClass?(): JsonObject | null | undefined;
  services?(namespace: string): readonly JsonObject[] | undefined;
  podDisruptionBudgets?(namespace: string): readonly JsonObject[] | undefined;
  limitRanges?(namespace: string): readonly JsonObject[] | undefined;
  /**
   * When data is missing because the API server refused to list it (403): the refusal, for people (e.g.
   * `cannot list /apis/storage.k8s.io/v1/storageclasses at …: 403 Forbidden: …`). Undefined when the data is only
   * not there (offline, not synced yet).
   */
  refused?(data: LookupData): string | undefined;
}

export interface EvaluationRequest {
  readonly object: unknown;
  readonly oldObject?: unknown;
  readonly operation: Operation;
  readonly namespace?: string;
  readonly namespaceLabels?: Readonly<Record<string, string>>;
  readonly userInfo?: UserInfo;
  readonly dryRun?: boolean;
  readonly lookup?: LookupContext;
  /** Who may exempt what, when an authoriser was asked; absent: nobody could be asked (offline, audit). */
  readonly exemptionGrant?: ExemptionGrant;
  /** StatefulSetPolicyExceptions known to the surface (src/policy/exceptions.ts); absent: none. */
  readonly exceptions?: ExceptionsInput;
}

/**
 * What the namespace label `stateguard.io/action` may do: `tighten` (the default: audit → warn → deny only),
 * `tighten-and-loosen` (an explicit opt-in: the label may also weaken a policy), `off` (the label is ignored).
 */
export const NAMESPACE_ACTIONS = ['tighten', 'tighten-and-loosen', 'off'] as const;
export type NamespaceActions = (typeof NAMESPACE_ACTIONS)[number];

/** How enforcement actions are resolved beyond each policy's default (DESIGN.md §3). */
export interface ActionSettings {
  /** Config-file overrides per policy id. */
  readonly overrides: Readonly<Record<string, Action>>;
  /** What the namespace label `stateguard.io/action` may do. */
  readonly namespaceActions: NamespaceActions;
  /** Namespaces where exemption annotations are honoured; `*` means everywhere. */
  readonly exemptionNamespaces: readonly string[];
  /**
   * Whether exemption annotations (`stateguard.io/exempt`) are honoured at all; then only for the policies the
   * request's ExemptionGrant allows. Absent: false (the default).
   */
  readonly annotationExemptions?: boolean;
  /** The strongest action any policy may take (audit-only installs cap everything at audit). Default deny. */
  readonly ceiling?: Exclude<Action, 'off'>;
}

export interface Violation {
  readonly path: string;
  readonly message: string;
  readonly fix: string;
  /** Pod Security Admission check id, for the pod-security policies. */
  readonly checkId?: string;
}

/**
 * Why a policy was not judged (result `skip`), for the layers that react to it (admission, reports, exit codes):
 * - `exempted`: an honoured exemption annotation (the claim is in `exemption`);
 * - `excepted`: a StatefulSetPolicyException covers it (named in `exception`; all of them in PolicyResult.exceptions);
 * - `no-cluster-data`: a LOOKUP policy without the data it reads (offline, or the cache has not synced);
 * - `lookup-forbidden`: a LOOKUP policy whose data the API server refused to list: never a pass;
 * - `not-configured`: an enabled policy whose params give it nothing to check (e.g. no list of allowed classes).
 */
export const SKIP_CAUSES = ['exempted', 'excepted', 'no-cluster-data', 'lookup-forbidden', 'not-configured'] as const;
export type SkipCause = (typeof SKIP_CAUSES)[number];

export interface Skip {
  readonly cause: SkipCause;
  /** For `no-cluster-data` and `lookup-forbidden`: the data that was missing or refused. */
  readonly lookup?: LookupData;
  /** For `excepted`: the exception that lifted the policy. */
  readonly exception?: ExceptionRef;
}

/**
 * Why an exemption the object asks for is not honoured:
 * - `exemptions-disabled`: annotation exemptions are off (config `exemptions.annotations`, the default);
 * - `namespace-not-allowed`: config `exemptions.namespaces` does not list the namespace;
 * - `no-reason`: no `stateguard.io/exempt-reason`;
 * - `authorisation-unavailable`: nobody could say whether the user may exempt (offline, audit, a failed or refused
 *   SubjectAccessReview): never a grant;
 * - `not-authorised`: the SubjectAccessReview said the requesting user may not `exempt` this policy.
 */
export const EXEMPTION_REFUSALS = ['exemptions-disabled', 'namespace-not-allowed', 'no-reason', 'authorisation-unavailable', 'not-authorised'] as const;
export type ExemptionRefusal = (typeof EXEMPTION_REFUSALS)[number];

/** The object asks to exempt this policy (stateguard.io/exempt): with its reason, and whether it is honoured. */
export interface ExemptionClaim {
  readonly reason: string;
  readonly honoured: boolean;
  readonly refusal?: ExemptionRefusal;
}

export interface PolicyResult {
  readonly policy: string;
  readonly category: string;
  /** The validation's severity; absent for a mutator's result (a mutate-only policy has none). */
  readonly severity?: Severity;
  /** The action in force; a mutator's failure is `audit`: recorded, never enforced (an `error` never denies). */
  readonly action: Action;
  readonly result: Result;
  readonly violations: readonly Violation[];
  /** Present exactly when the result is `skip`. */
  readonly skip?: Skip;
  /** Present when the object asks to exempt this policy, honoured (skip) or not (judged as usual). */
  readonly exemption?: ExemptionClaim;
  /** StatefulSetPolicyExceptions that changed this result, expired ones that would have, or that none could be checked. */
  readonly exceptions?: ExceptionTrace;
  /**
   * Present when the policy has match/exclude criteria whose data was missing (subjects offline, namespace labels
   * not known): it was evaluated as if it applies, and these parts were not checked.
   */
  readonly scope?: { readonly unchecked: readonly ScopePart[] };
  /** Why a result is skip or error, or why an exemption was not honoured: for people only, never parsed. */
  readonly reason?: string;
  /** Violations found past MAX_VIOLATIONS_PER_POLICY (src/policy/limits.ts): counted, not listed. */
  readonly omittedViolations?: number;
}

export interface PatchOperation {
  readonly op: 'add' | 'replace' | 'remove';
  readonly path: string;
  readonly value?: unknown;
}

export interface Evaluation {
  readonly target: Target;
  readonly results: readonly PolicyResult[];
  /** RFC 6902 patch from the submitted object to the mutated one. */
  readonly patch: readonly PatchOperation[];
  /** Ids of the mutators that changed the object. */
  readonly mutators: readonly string[];
  readonly mutated: unknown;
}
