/**
 * StatefulSetPolicyException (stateguard.io/v1alpha1): an administrator's decision, under RBAC, that named policies
 * (or named Pod Security check ids within one) do not judge named StatefulSets of the exception's own namespace.
 */
import type { LabelSelector } from './types.ts';

export const EXCEPTION_API_VERSION = 'stateguard.io/v1alpha1';
export const EXCEPTION_KIND = 'StatefulSetPolicyException';

/** The policies whose findings carry Pod Security Admission check ids, the only ones `checks` may narrow. */
export const CHECK_SCOPED_POLICIES = ['pod-security-baseline', 'pod-security-restricted'] as const;

export interface ExceptionRef {
  readonly namespace: string;
  readonly name: string;
}

export interface ExceptedPolicy {
  readonly policy: string;
  /** Pod Security Admission check ids (`hostNamespaces`, `privileged`): only these findings are excepted. Absent: the whole policy. */
  readonly checks?: readonly string[];
}

/** One exception, read from the cluster or from the documents one would `kubectl apply`. */
export interface PolicyException extends ExceptionRef {
  readonly policies: readonly ExceptedPolicy[];
  /** StatefulSets of `namespace` it covers: by name, by label selector, or either. */
  readonly statefulSets: { readonly names?: readonly string[]; readonly selector?: LabelSelector };
  /** RFC 3339, as written; `expiresAtMs` is the same instant. */
  readonly expiresAt?: string;
  readonly expiresAtMs?: number;
  readonly reason: string;
}

/**
 * The exceptions a surface knows for one evaluation. `now` (ms since the epoch) decides expiry: the engine reads no
 * clock. `unchecked`: the exceptions could not be read (the cache has not synced, the CRD is not installed), said on
 * every result they might have changed; never a reason to pass.
 */
export interface ExceptionsInput {
  readonly items: readonly PolicyException[];
  readonly now: number;
  readonly unchecked?: string;
}

/** An exception that changed a result: the whole policy, or only the findings of `checks`. */
export interface AppliedException extends ExceptionRef {
  readonly reason: string;
  readonly checks?: readonly string[];
}

/** What exceptions did to one result (PolicyResult.exceptions). */
export interface ExceptionTrace {
  readonly applied?: readonly AppliedException[];
  /** Exceptions that name this policy and StatefulSet but have expired: ignored. */
  readonly expired?: readonly (ExceptionRef & { readonly expiresAt: string })[];
  /** Why exceptions could not be checked for a result they might have changed. */
  readonly unchecked?: string;
}

/** Whether a parsed document says it is a StatefulSetPolicyException (of any stateguard.io version). */
export function isExceptionDocument(raw: unknown): boolean {
  if (typeof raw !== 'object' || raw === null) return false;
  const { apiVersion, kind } = raw as { apiVersion?: unknown; kind?: unknown };
  return kind === EXCEPTION_KIND && typeof apiVersion === 'string' && apiVersion.startsWith('stateguard.io/');
}
