/** AdmissionReview `admission.k8s.io/v1`: the subset stateguard reads and writes. */
import type { ActionSettings, ExceptionsInput, ExemptionGrant, JsonObject, LookupContext, Operation, PolicySet, Target, UserInfo } from '../policy/index.ts';

export const ADMISSION_API_VERSION = 'admission.k8s.io/v1';
export const ADMISSION_KIND = 'AdmissionReview';

/** The two webhooks; each has its own route and its own webhook configuration in the cluster. */
export const WEBHOOKS = ['validate', 'mutate'] as const;
export type Webhook = (typeof WEBHOOKS)[number];

interface RequestCommon {
  readonly uid: string;
  readonly operation: Operation;
  readonly namespace?: string;
  /** request.name, or the object's generateName followed by `*` while the API server has not named it yet. */
  readonly name?: string;
  readonly userInfo?: UserInfo;
  readonly dryRun: boolean;
}

/** A request stateguard evaluates: CREATE or UPDATE of a StatefulSet, or of its scale subresource. */
export interface TargetRequest extends RequestCommon {
  readonly target: Target;
  readonly object: JsonObject;
  readonly oldObject?: JsonObject;
}

/** A well-formed request that the webhook's rules should never have sent (another resource or operation). */
export interface MisroutedRequest extends RequestCommon {
  readonly target: 'none';
  /** What arrived, e.g. `DELETE apps/v1 deployments`. */
  readonly received: string;
}

/** The `request` of an AdmissionReview, parsed and checked: what the admission code reads. */
/** The `request` of an AdmissionReview, parsed and checked: what the admission code reads. */
export type AdmissionRequest = TargetRequest | MisroutedRequest;

export interface AdmissionStatus {
  readonly code: number;
  readonly reason: string;
  readonly message: string;
}

export interface AdmissionResponse {
  readonly uid: string;
  readonly allowed: boolean;
  readonly status?: AdmissionStatus;
  readonly patchType?: 'JSONPatch';
  /** Base64 of the RFC 6902 patch (JSON). */
  readonly patch?: string;
  readonly warnings?: readonly string[];
  readonly auditAnnotations?: Readonly<Record<string, string>>;
}

export interface AdmissionReviewResponse {
  readonly apiVersion: typeof ADMISSION_API_VERSION;
  readonly kind: typeof ADMISSION_KIND;
  readonly response: AdmissionResponse;
}

/** What a decision depends on besides the request: the policies in force, and what is known of the cluster. */
export interface AdmissionContext {
  readonly set: PolicySet;
  readonly actions: ActionSettings;
  /** Labels of a namespace (from a watched cache, never a call per request); undefined when not known. */
  readonly namespaceLabels?: (namespace: string) => Readonly<Record<string, string>> | undefined;
  readonly lookup?: LookupContext;
  /** StatefulSetPolicyExceptions of a namespace (a watched cache); absent: no cluster, so none. */
  readonly exceptions?: (namespace: string) => ExceptionsInput;
  /**
   * Asks the cluster who may exempt which policy (SubjectAccessReviews): I/O, so the webhook calls it before the
   * decision, and only for objects that claim an exemption. Absent (no cluster): no exemption is honoured.
   */
  readonly authoriseExemptions?: ExemptionAuthoriser;
  /** The answer for this request, handed to the engine as data. */
  readonly exemptionGrant?: ExemptionGrant;
}

/** Who asks to exempt which policies of an object in which namespace. */
export interface ExemptionQuestion {
  readonly userInfo: UserInfo;
  readonly namespace: string;
  readonly policies: readonly string[];
}

/** Never rejects: a question it cannot answer comes back in `unavailable`, which is never a grant. */
export type ExemptionAuthoriser = (question: ExemptionQuestion) => Promise<ExemptionGrant>;
