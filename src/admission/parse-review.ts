/** Reads an AdmissionReview body into a Review, or names the first problem with it. Never throws. */
import { isObject, OPERATIONS, type Operation, type Target, type UserInfo } from '../policy/index.ts';
import { problem, type Problem, type ProblemCode } from './problems.ts';
import { ADMISSION_API_VERSION, ADMISSION_KIND, type AdmissionRequest } from './types.ts';

export type ParsedRequest = { readonly ok: true; readonly review: AdmissionRequest } | { readonly ok: false; readonly problem: Problem };

interface GroupVersionName { readonly group: string; readonly version: string; readonly name: string }

export function parseReview(body: unknown): ParsedRequest {
  if (!isObject(body)) return failed('ERR_REVIEW_NOT_OBJECT', `the body must be an AdmissionReview JSON object, got ${describe(body)}`);
  if (body['apiVersion'] !== ADMISSION_API_VERSION) {
    return failed('ERR_REVIEW_API_VERSION', `apiVersion must be ${ADMISSION_API_VERSION}, got ${describe(body['apiVersion'])} (list v1 in the webhook's admissionReviewVersions)`);
  }
  if (body['kind'] !== ADMISSION_KIND) return failed('ERR_REVIEW_KIND', `kind must be ${ADMISSION_KIND}, got ${describe(body['kind'])}`);
  const request = body['request'];
  if (!isObject(request)) return failed('ERR_REVIEW_REQUEST', `request must be an object, got ${describe(request)}`);
  const uid = request['uid'];
  if (typeof uid !== 'string' || uid === '') return failed('ERR_REVIEW_UID', `request.uid must be a non-empty string, got ${describe(uid)}`);
  const operation = request['operation'];
  if (!isOperation(operation)) return failed('ERR_REVIEW_OPERATION', `request.operation must be one of ${OPERATIONS.join(', ')}, got ${describe(operation)}`);
  const kind = groupVersion(request['kind'], 'kind');
  const resource = groupVersion(request['resource'], 'resource');
  if (kind === undefined || resource === undefined) {
    return failed('ERR_REVIEW_RESOURCE', 'request.kind ({group, version, kind}) and request.resource ({group, version, resource}) must be given');
  }
  const subResource = typeof request['subResource'] === 'string' ? request['subResource'] : '';
  const object = request['object'];
  const common = {
    uid,
    operation,
    ...optional('namespace', nonEmpty(request['namespace'])),
    ...optional('name', nonEmpty(request['name']) ?? generatedName(object)),
    ...optional('userInfo', userInfoOf(request['userInfo'])),
    dryRun: request['dryRun'] === true,
  };

  const target = targetOf(operation, kind, resource, subResource);
  if (target === undefined) return { ok: true, review: { ...common, target: 'none', received: `${operation} ${describeResource(resource, subResource)} (kind ${kind.name})` } };
  if (!isObject(object)) return failed('ERR_REVIEW_OBJECT', `request.object must be a ${kind.name} object, got ${describe(object)}`);
  if (object['kind'] !== kind.name) return failed('ERR_REVIEW_OBJECT', `request.object.kind is ${describe(object['kind'])} but request.kind.kind is "${kind.name}"`);
  const oldObject = request['oldObject'];
  if (operation === 'UPDATE' && !isObject(oldObject)) return failed('ERR_REVIEW_OLD_OBJECT', `an UPDATE needs request.oldObject (the stored ${kind.name}), got ${describe(oldObject)}`);
  return { ok: true, review: { ...common, target, object, ...(isObject(oldObject) ? { oldObject } : {}) } };
}

/** StatefulSets and their scale subresource, on CREATE and UPDATE: what the webhook rules should send. */
function targetOf(operation: Operation, kind: GroupVersionName, resource: GroupVersionName, subResource: string): Target | undefined {
  if (operation !== 'CREATE' && operation !== 'UPDATE') return undefined;
  if (resource.group !== 'apps' || resource.version !== 'v1' || resource.name !== 'statefulsets') return undefined;
  if (subResource === '' && kind.group === 'apps' && kind.version === 'v1' && kind.name === 'StatefulSet') return 'StatefulSet';
  if (subResource === 'scale' && kind.group === 'autoscaling' && kind.version === 'v1' && kind.name === 'Scale') return 'Scale';
  return undefined;
}

/** request.kind or request.resource: `name` is its kind or resource. */
function groupVersion(value: unknown, key: 'kind' | 'resource'): GroupVersionName | undefined {
  if (!isObject(value)) return undefined;
  const { group, version, [key]: name } = value;
  if (typeof group !== 'string' || typeof version !== 'string' || typeof name !== 'string' || name === '') return undefined;
  return { group, version, name };
}

function describeResource(resource: GroupVersionName, subResource: string): string {
  const groupVersionText = resource.group === '' ? resource.version : `${resource.group}/${resource.version}`;
  return `${groupVersionText} ${resource.name}${subResource === '' ? '' : `/${subResource}`}`;
}

function userInfoOf(value: unknown): UserInfo | undefined {
  if (!isObject(value)) return undefined;
  const groups = Array.isArray(value['groups']) ? value['groups'].filter((g): g is string => typeof g === 'string') : undefined;
  return { ...optional('username', nonEmpty(value['username'])), ...optional('uid', nonEmpty(value['uid'])), ...optional('groups', groups), ...optional('extra', extraOf(value['extra'])) };
}

/** userInfo.extra: string lists by key (a SubjectAccessReview passes them on; scopes, node names, …). */
function extraOf(value: unknown): Record<string, readonly string[]> | undefined {
  if (!isObject(value)) return undefined;
  const extra: Record<string, readonly string[]> = {};
  for (const [key, list] of Object.entries(value)) if (Array.isArray(list)) extra[key] = list.filter((item): item is string => typeof item === 'string');
  return Object.keys(extra).length === 0 ? undefined : extra;
}

function generatedName(object: unknown): string | undefined {
  const metadata = isObject(object) && isObject(object['metadata']) ? object['metadata'] : {};
  const generateName = nonEmpty(metadata['generateName']);
  return nonEmpty(metadata['name']) ?? (generateName === undefined ? undefined : `${generateName}*`);
}

function isOperation(value: unknown): value is Operation {
  return (OPERATIONS as readonly unknown[]).includes(value);
}

function nonEmpty(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** `{ key: value }` when value is defined, `{}` otherwise (exactOptionalPropertyTypes). */
function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return value === undefined ? {} : ({ [key]: value } as { [P in K]: V });
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value);
  return typeof value === 'object' ? 'an object' : `${typeof value} ${String(value)}`;
}

function failed(code: ProblemCode, message: string): ParsedRequest {
  return { ok: false, problem: problem(code, message) };
}
