/**
 * Descriptions for the schemas the code validates with (policy, policy test cases; the config schema carries its
 * own), laid over copies of them for the published JSON Schemas (schemas/) and the CRD (kubectl explain). Keyed by path: `a.b` a property,
 * `a[]` the items of a list, `a.*` the values of a map. A path that no longer exists in the schema is an error, so
 * the descriptions follow the code or the generators fail.
 */
type Schema = Record<string, unknown>;

const SCOPE = {
  '': 'Which StatefulSets the policy applies to; every field given must hold (src/policy/match.ts).',
  namespaces: 'Namespace names or globs (`team-*`).',
  namespaceSelector: 'A label selector over the namespace\'s labels.',
  selector: 'A label selector over the StatefulSet\'s own labels.',
  operations: 'Admission operations (CREATE, UPDATE).',
  subjects: 'Requesting users, groups or service accounts, globs allowed (`system:serviceaccount:db-operators:*`); unknown offline, which `review` says.',
};

const scope = (prefix: string, what: string): Record<string, string> => Object.fromEntries(Object.entries(SCOPE).map(([key, text]) => [
  key === '' ? prefix : `${prefix}.${key}`, key === '' ? `${what} ${text}` : text,
]));

export const POLICY_DOCS: Readonly<Record<string, string>> = {
  '': 'A stateguard policy: one rule for StatefulSets. A file under a policy directory, or a cluster-scoped StatefulSetPolicy resource.',
  apiVersion: 'stateguard.io/v1alpha1',
  kind: 'StatefulSetPolicy',
  metadata: 'Standard object metadata: the name is the policy id; labels and annotations are kept.',
  'metadata.name': 'The policy id: stable, kebab-case, shown in messages, logs, metrics and reports.',
  'metadata.annotations': 'stateguard.io/category groups the policy in listings and reports.',
  spec: 'What the policy checks or injects, and how it is enforced.',
  'spec.description': 'One sentence: what the policy asks of a StatefulSet.',
  'spec.severity': 'How bad a violation is, for reports.',
  'spec.action': 'Enforcement: deny rejects, warn admits with a warning, audit records silently, off disables. The config file may override it.',
  'spec.operations': 'Admission operations it runs on (default CREATE and UPDATE).',
  'spec.targets': 'Objects it evaluates: StatefulSet, and Scale for statefulsets/scale (default StatefulSet).',
  'spec.lookup': 'Needs cluster data (StorageClasses, Services, PDBs): skipped, with the reason, without it.',
  'spec.enforceInMutatingWebhook': 'Also evaluated by the mutating webhook.',
  ...scope('spec.match', 'Scope:'),
  ...scope('spec.exclude', 'Exceptions to the scope:'),
  'spec.validate': 'The rule: a JSON Schema (`schema`) or a built-in check (`check`), with the message and fix shown on a violation.',
  'spec.validate.forEach': 'Dotted path of a list: evaluate each element on its own.',
  'spec.validate.schema': 'A JSON Schema (ajv) the object, or each forEach element, must satisfy.',
  'spec.validate.check': 'The name of a built-in check (stateguard policies lists them).',
  'spec.validate.path': 'The field a violation points at, when the schema does not say.',
  'spec.validate.params': 'Parameters of the built-in check, validated against its own schema.',
  'spec.validate.message': 'The violation message; {{path}} placeholders are filled from the element.',
  'spec.validate.fix': 'How to fix a violation, shown beside the message.',
  'spec.mutate': 'A built-in mutator that adds safe defaults where absent.',
  'spec.mutate.mutator': 'The name of a built-in mutator.',
  'spec.mutate.params': 'Parameters of the mutator, validated against its own schema.',
};

/** A StatefulSetPolicyException document (the spec's fields carry their descriptions in src/policy/exception-schema.ts). */
export const EXCEPTION_DOCS: Readonly<Record<string, string>> = {
  '': 'Lifts named policies (or Pod Security check ids) for named StatefulSets of its own namespace, until it expires. Creating one is governed by RBAC: the shipped roles grant it to cluster admins only.',
  'metadata.namespace': 'The namespace whose StatefulSets it covers; it covers no other.',
  spec: 'What is excepted, for which StatefulSets, until when, and why.',
};

export const CASES_DOCS: Readonly<Record<string, string>> = {
  '': 'Test cases of one stateguard policy (policies/<id>/tests/*.yaml), run by `stateguard test`.',
  policy: 'The id of the policy under test.',
  base: 'A StatefulSet manifest (path relative to this file) each case starts from.',
  cases: 'The cases, each evaluated with only this policy loaded.',
  'cases[].name': 'What the case shows.',
  'cases[].set': 'Dotted paths set on the base (null removes).',
  'cases[].object': 'The whole object, instead of base + set.',
  'cases[].operation': 'CREATE (default) or UPDATE (then `old` is the stored object).',
  'cases[].old': 'The stored object of an UPDATE: base, object and set as above.',
  'cases[].lookup': 'Cluster data for LOOKUP policies.',
  'cases[].expect': 'The expected result, violations (path, message substring, check id) and patch.',
};

/** A deep copy of `schema` with each description set at its path; throws naming a path that is not there. */
export function withDescriptions(schema: Schema, docs: Readonly<Record<string, string>>): Schema {
  // Through JSON: the schemas share sub-objects (the scope of match and exclude), and each path gets its own copy.
  const copy = JSON.parse(JSON.stringify(schema)) as Schema;
  for (const [path, text] of Object.entries(docs)) {
    const node = at(copy, path);
    if (node === undefined) throw new Error(`schema-docs: no field "${path}" in the schema any more: update the descriptions`);
    node['description'] = text;
  }
  return copy;
}

function at(schema: Schema, path: string): Schema | undefined {
  let node: Schema | undefined = schema;
  for (const step of path === '' ? [] : path.split('.')) {
    const [key = '', list] = step.endsWith('[]') ? [step.slice(0, -2), true] : [step, false];
    if (key === '*') node = asSchema(node?.['additionalProperties']);
    else if (key !== '') node = asSchema(asSchema(node?.['properties'])?.[key]);
    if (list) node = asSchema(node?.['items']);
  }
  return node;
}

function asSchema(value: unknown): Schema | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? value as Schema : undefined;
}
