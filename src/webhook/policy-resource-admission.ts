/**
 * stateguard validates its own StatefulSetPolicy resources at admission (the validating webhook's rules send them):
 * one that would not compile is refused at `kubectl apply` with every problem, each naming its field, so an invalid
 * policy never reaches the cluster while the webhook is up. Labels, annotations and other metadata are accepted.
 */
import { ADMISSION_API_VERSION, ADMISSION_KIND, type AdmissionReviewResponse, type AdmissionRequest } from '../admission/index.ts';
import { isObject, POLICY_RESOURCE, resourceProblems } from '../policy/index.ts';
import { LOG_KEYS } from '../logging/log-keys.ts';

/** A refusal lists at most this many problems (kubectl prints them all on one line). */
const MAX_PROBLEMS = 20;

export interface PolicyResourceDecision {
  readonly response: AdmissionReviewResponse;
  /** The request's one decision log line. */
  readonly record: Readonly<Record<string, unknown>>;
}

/** The decision on a CREATE or UPDATE of a StatefulSetPolicy; undefined for any other request. */
export function admitPolicyResource(body: unknown, review: AdmissionRequest): PolicyResourceDecision | undefined {
  const request = isObject(body) && isObject(body['request']) ? body['request'] : {};
  const kind = isObject(request['kind']) ? request['kind'] : {};
  if (kind['group'] !== POLICY_RESOURCE.group || kind['kind'] !== POLICY_RESOURCE.kind) return undefined;
  if (review.operation !== 'CREATE' && review.operation !== 'UPDATE') return undefined;
  const object = request['object'];
  const problems = isObject(object) ? resourceProblems(object) : ['request.object: must be a StatefulSetPolicy object'];
  const name = review.name ?? '';
  const shown = problems.slice(0, MAX_PROBLEMS);
  const more = problems.length > shown.length ? `; and ${problems.length - shown.length} more` : '';
  const response = {
    uid: review.uid,
    allowed: problems.length === 0,
    ...(problems.length === 0 ? {} : { status: { code: 422, reason: 'Invalid', message: `${POLICY_RESOURCE.kind} ${name} is invalid: ${shown.join('; ')}${more}` } }),
  };
  const record = {
    [LOG_KEYS.uid]: review.uid,
    [LOG_KEYS.object]: `/${name}`,
    [LOG_KEYS.kind]: POLICY_RESOURCE.kind,
    [LOG_KEYS.operation]: review.operation,
    [LOG_KEYS.user]: review.userInfo?.username,
    [LOG_KEYS.dryRun]: review.dryRun,
    [LOG_KEYS.decision]: problems.length === 0 ? 'allow' : 'deny',
    ...(problems.length === 0 ? {} : { [LOG_KEYS.problems]: shown }),
  };
  return { response: { apiVersion: ADMISSION_API_VERSION, kind: ADMISSION_KIND, response }, record };
}
