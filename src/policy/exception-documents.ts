/**
 * StatefulSetPolicyException documents → PolicyException values: one validation (ajv, src/policy/exception-schema.ts)
 * for the documents `review` reads and the objects the cluster cache holds. Invalid ones come back as problems.
 */
import type { ValidateFunction } from 'ajv';
import { newAjv } from './ajv.ts';
import type { parseAllDocuments } from 'yaml';
import type { PolicySource } from './compile.ts';
import { describeSchemaError } from './compile.ts';
import { CHECK_SCOPED_POLICIES, EXCEPTION_API_VERSION, EXCEPTION_KIND, isExceptionDocument, type PolicyException } from './exception-types.ts';
import { EXCEPTION_SPEC_SCHEMA, strictly } from './exception-schema.ts';
import { asObject, asString } from './object-path.ts';
import { yaml } from './on-first-use.ts';

/** RFC 3339 date-time (the CRD's `format: date-time`); the offset is required. */
const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

/** Compiled on the first exception read: most runs read none, and compiling costs about 20 ms of a start-up. */
let compiledSpec: ValidateFunction | undefined;

function specValidator(): ValidateFunction {
  if (compiledSpec !== undefined) return compiledSpec;
  const ajv = newAjv({ allErrors: true, strict: true, strictTypes: false, strictRequired: false });
  ajv.addFormat('date-time', { type: 'string', validate: (value: string) => RFC3339.test(value) && !Number.isNaN(Date.parse(value)) });
  return (compiledSpec = ajv.compile(strictly(EXCEPTION_SPEC_SCHEMA) as object));
}

export type ExceptionReading = { readonly ok: true; readonly exception: PolicyException } | { readonly ok: false; readonly problems: readonly string[] };

/** One document; `namespace` stands in for a missing metadata.namespace (kubectl's current namespace: `default`). */
export function readException(raw: unknown, namespace = 'default'): ExceptionReading {
  const object = asObject(raw);
  const metadata = asObject(object['metadata']);
  const name = asString(metadata['name']);
  const problems: string[] = [];
  if (object['apiVersion'] !== EXCEPTION_API_VERSION) problems.push(`apiVersion: must be ${EXCEPTION_API_VERSION}`);
  if (name === undefined || name === '') problems.push('metadata.name: required');
  const validate = specValidator();
  if (!validate(object['spec'])) {
    for (const error of validate.errors ?? []) problems.push(`spec${describeSchemaError(error).replace(/^\(document\)/, '').replace(/^(?=[^:])/, '.')}`);
  } else {
    const spec = object['spec'] as Omit<PolicyException, 'namespace' | 'name' | 'expiresAtMs'>;
    spec.policies.forEach((entry, index) => {
      if (entry.checks !== undefined && !(CHECK_SCOPED_POLICIES as readonly string[]).includes(entry.policy)) {
        problems.push(`spec.policies.${index}.checks: only ${CHECK_SCOPED_POLICIES.join(' and ')} have check ids; ${entry.policy} is excepted whole or not at all`);
      }
    });
    if (problems.length === 0) {
      const exception: PolicyException = {
        namespace: asString(metadata['namespace']) ?? namespace,
        name: name!,
        policies: spec.policies.map((p) => (p.checks === undefined ? { policy: p.policy } : { policy: p.policy, checks: [...new Set(p.checks)] })),
        statefulSets: structuredClone(spec.statefulSets),
        reason: spec.reason.trim(),
        ...(spec.expiresAt === undefined ? {} : { expiresAt: spec.expiresAt, expiresAtMs: Date.parse(spec.expiresAt) }),
      };
      return { ok: true, exception: deepFrozen(exception) };
    }
  }
  return { ok: false, problems };
}

/**
 * The StatefulSetPolicyException documents of policy files (`--policies` directories hold what one would
 * `kubectl apply`): the exceptions, and a `file:line: …` problem per invalid one. Other documents are not looked at.
 */
export function exceptionsOfSources(sources: readonly PolicySource[]): { exceptions: PolicyException[]; problems: string[] } {
  const exceptions: PolicyException[] = [];
  const problems: string[] = [];
  for (const source of sources) {
    const lines = new (yaml().LineCounter)();
    for (const document of yaml().parseAllDocuments(source.text, { lineCounter: lines, prettyErrors: false }) as ReturnType<typeof parseAllDocuments> & unknown[]) {
      if (document.contents === null || document.errors.length > 0) continue;
      const raw: unknown = document.toJS();
      if (!isExceptionDocument(raw)) continue;
      const at = `${source.file}:${lines.linePos(document.contents.range?.[0] ?? 0).line}`;
      const reading = readException(raw);
      if (reading.ok) exceptions.push(reading.exception);
      else for (const problem of reading.problems) problems.push(`${at}: ${EXCEPTION_KIND} ${asString(asObject(asObject(raw)['metadata'])['name']) ?? '<unnamed>'}: ${problem}`);
    }
  }
  return { exceptions, problems };
}

function deepFrozen<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const inner of Object.values(value)) deepFrozen(inner);
    Object.freeze(value);
  }
  return value;
}
