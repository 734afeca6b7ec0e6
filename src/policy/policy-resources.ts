/**
 * StatefulSetPolicy resources (the CRD of deploy/base/crd-policies.yaml) beside the policy files. Pure: the caller
 * lists the resources and writes their status.
 *
 * Precedence: a policy file wins. A resource named like a file policy (a built-in, or one from --policies / the
 * ConfigMap) never replaces it; its status says `Shadowed` and names the file. A resource that does not compile is
 * `Invalid` (its status names every field); the last version of it that compiled keeps serving, if there was one in
 * this process, else nothing does.
 */
import { compilePolicies, type PolicySet, type PolicySource } from './compile.ts';
import { StateguardError } from './errors.ts';
import { isObject } from './object-path.ts';
import type { JsonObject } from './types.ts';

export const POLICY_RESOURCE = { group: 'stateguard.io', version: 'v1alpha1', kind: 'StatefulSetPolicy', plural: 'statefulsetpolicies' } as const;

export const RESOURCE_REASONS = ['Accepted', 'Invalid', 'Shadowed'] as const;
export type ResourceReason = (typeof RESOURCE_REASONS)[number];

/** What the Ready condition of one resource says. */
export interface ResourceStatus {
  readonly ready: boolean;
  readonly reason: ResourceReason;
  readonly message: string;
  /** metadata.generation of the version this status is about. */
  readonly generation?: number;
}

export interface ResolvedResources {
  /** The file policies and the resource policies in force, as one set. */
  readonly set: PolicySet;
  /** By resource name. */
  readonly statuses: ReadonlyMap<string, ResourceStatus>;
}

export interface ResourceResolver {
  resolve(files: PolicySet, resources: readonly JsonObject[]): ResolvedResources;
}

/** The document the engine reads from a resource: name, labels, annotations and spec; server-set fields dropped. */
export function policyDocumentOf(resource: JsonObject): JsonObject {
  const metadata = isObject(resource['metadata']) ? resource['metadata'] : {};
  const kept: JsonObject = {};
  for (const key of ['name', 'labels', 'annotations'] as const) if (metadata[key] !== undefined) kept[key] = metadata[key];
  return { apiVersion: resource['apiVersion'], kind: resource['kind'], metadata: kept, spec: resource['spec'] };
}

/** Every problem of one resource on its own (schema, checks, params, rule schemas), each naming the field. */
export function resourceProblems(resource: JsonObject): readonly string[] {
  return compileResource(resource).problems;
}

export function createResourceResolver(): ResourceResolver {
  const lastGood = new Map<string, { readonly uid: unknown; readonly generation: number | undefined; readonly source: PolicySource }>();
  return {
    resolve(files, resources) {
      const statuses = new Map<string, ResourceStatus>();
      const serving: PolicySource[] = [];
      const present = new Set<string>();
      for (const resource of resources) {
        const metadata = isObject(resource['metadata']) ? resource['metadata'] : {};
        const name = typeof metadata['name'] === 'string' ? metadata['name'] : '';
        if (name === '') continue;
        present.add(name);
        const generation = typeof metadata['generation'] === 'number' ? metadata['generation'] : undefined;
        const at = generation === undefined ? {} : { generation };
        const file = files.byId.get(name);
        if (file !== undefined) {
          statuses.set(name, { ready: false, reason: 'Shadowed', ...at, message: `a policy file defines ${name} (${file.file}:${file.line}) and files win: rename this resource, or set policies.${name} in the config file to change the file policy's action or params` });
          continue;
        }
        const { source, problems } = compileResource(resource);
        const previous = lastGood.get(name);
        if (problems.length === 0) {
          lastGood.set(name, { uid: metadata['uid'], generation, source });
          serving.push(source);
          statuses.set(name, { ready: true, reason: 'Accepted', ...at, message: 'the policy is in force' });
          continue;
        }
        const keeps = previous !== undefined && previous.uid === metadata['uid'];
        if (keeps) serving.push(previous.source);
        else lastGood.delete(name);
        const fallback = keeps ? `the last good version${previous.generation === undefined ? '' : ` (generation ${previous.generation})`} keeps serving` : 'no version of it is in force';
        statuses.set(name, { ready: false, reason: 'Invalid', ...at, message: `${problems.join('; ')}; ${fallback}` });
      }
      for (const name of lastGood.keys()) if (!present.has(name)) lastGood.delete(name);
      return { set: mergeSets(files, serving.length === 0 ? undefined : compilePolicies(serving)), statuses };
    },
  };
}

function compileResource(resource: JsonObject): { source: PolicySource; problems: readonly string[] } {
  const document = policyDocumentOf(resource);
  const name = isObject(document['metadata']) && typeof document['metadata']['name'] === 'string' ? document['metadata']['name'] : '<unnamed>';
  const file = `${POLICY_RESOURCE.kind}/${name}`;
  const source = { file, text: JSON.stringify(document) };
  try {
    compilePolicies([source]);
    return { source, problems: [] };
  } catch (error) {
    if (!(error instanceof StateguardError)) throw error;
    // compilePolicies says where in a file; a resource is one JSON document: keep what follows `policy <name>: `.
    return { source, problems: error.details.map((line) => line.replace(/^.*?: policy [^:]*: /, '')) };
  }
}

function mergeSets(files: PolicySet, resources: PolicySet | undefined): PolicySet {
  if (resources === undefined) return files;
  const policies = Object.freeze([...files.policies, ...resources.policies].sort((a, b) => a.id.localeCompare(b.id)));
  return Object.freeze({ policies, byId: new Map(policies.map((p) => [p.id, p])), schemas: new Map([...files.schemas, ...resources.schemas]) });
}
