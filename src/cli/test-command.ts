/** `stateguard test [DIR]`: runs the test cases beside each policy (`<policy>/tests/*.yaml` with a `cases:` list). */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { Ajv } from 'ajv';
import { parse } from 'yaml';
import { describeSchemaError, runCases, type LookupContext, type PolicyCase, type PolicySet } from '../policy/index.ts';
import type { InputProblem } from '../report/model.ts';
import type { CommandIo } from './review.ts';
import { setPath } from './set-path.ts';

const OBJECT_SPEC = {
  type: 'object',
  additionalProperties: false,
  properties: { base: { type: 'string' }, object: { type: 'object' }, set: { type: 'object' } },
};

/** The schema of a test case file (published as schemas/policy-test-cases.schema.json). */
export const CASE_FILE_SCHEMA = {
  type: 'object',
  required: ['policy', 'cases'],
  additionalProperties: false,
  properties: {
    policy: { type: 'string' },
    base: { type: 'string' },
    cases: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        required: ['name', 'expect'],
        additionalProperties: false,
        properties: {
          ...OBJECT_SPEC.properties,
          name: { type: 'string', minLength: 1 },
          operation: { enum: ['CREATE', 'UPDATE'] },
          namespace: { type: 'string' },
          namespaceLabels: { type: 'object', additionalProperties: { type: 'string' } },
          // The policy's params for this case, merged over its own as the config file's policies.<id>.params are.
          params: { type: 'object' },
          old: OBJECT_SPEC,
          lookup: {
            type: 'object',
            additionalProperties: false,
            properties: { storageClasses: { type: 'array' }, services: { type: 'array' }, podDisruptionBudgets: { type: 'array' } },
          },
          expect: {
            type: 'object',
            additionalProperties: false,
            properties: {
              result: { enum: ['pass', 'fail', 'warn', 'error', 'skip'] },
              violations: { type: 'array', items: { type: 'object', additionalProperties: false, properties: { path: { type: 'string' }, message: { type: 'string' }, checkId: { type: 'string' } } } },
              patch: { type: 'array' },
            },
          },
        },
      },
    },
  },
};

const validateCaseFile = new Ajv({ allErrors: true, strict: false }).compile(CASE_FILE_SCHEMA);

type Spec = { base?: string; object?: Record<string, unknown>; set?: Record<string, unknown> };
type Lookup = { storageClasses?: Record<string, unknown>[]; services?: Record<string, unknown>[]; podDisruptionBudgets?: Record<string, unknown>[] };
type RawCase = Spec & { name: string; operation?: 'CREATE' | 'UPDATE'; namespace?: string; namespaceLabels?: Record<string, string>; params?: Record<string, unknown>; old?: Spec; lookup?: Lookup; expect: PolicyCase['expect'] };
type RawFile = { policy: string; base?: string; cases: RawCase[] };

export function findCaseFiles(directory: string): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(directory, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) {
      if (entry.name === 'tests') files.push(...readdirSync(path).filter((f) => /\.ya?ml$/.test(f)).sort().map((f) => join(path, f)));
      else if (!entry.name.startsWith('.')) files.push(...findCaseFiles(path));
    }
  }
  return files;
}

export function loadCases(files: readonly string[]): { cases: PolicyCase[]; problems: InputProblem[] } {
  const cases: PolicyCase[] = [];
  const problems: InputProblem[] = [];
  for (const file of files) {
    try {
      const raw: unknown = parse(readFileSync(file, 'utf8'));
      if (typeof raw === 'object' && raw !== null && !('cases' in raw)) continue; // a fixture, not a case file
      if (!validateCaseFile(raw)) {
        for (const error of validateCaseFile.errors ?? []) problems.push({ file, message: `invalid case file: ${describeSchemaError(error)}` });
        continue;
      }
      const doc = raw as RawFile;
      for (const c of doc.cases) {
        const object = build(file, { ...c, ...(c.base === undefined && doc.base !== undefined ? { base: doc.base } : {}) });
        const old = c.old === undefined ? undefined : build(file, { ...(c.old.base === undefined ? { base: c.base ?? doc.base } : {}), ...c.old } as Spec);
        const namespace = c.namespace ?? 'default';
        cases.push({
          file, policy: doc.policy, name: c.name, expect: c.expect,
          ...(c.params === undefined ? {} : { params: c.params }),
          request: {
            object, operation: c.operation ?? 'CREATE', namespace,
            ...(old === undefined ? {} : { oldObject: old }),
            ...(c.namespaceLabels === undefined ? {} : { namespaceLabels: c.namespaceLabels }),
            ...(c.lookup === undefined ? {} : { lookup: lookupOf(c.lookup) }),
          },
        });
      }
    } catch (error) {
      problems.push({ file, message: error instanceof Error ? error.message : String(error) });
    }
  }
  return { cases, problems };
}

function build(file: string, spec: Spec): Record<string, unknown> {
  let object: Record<string, unknown>;
  if (spec.object !== undefined) object = structuredClone(spec.object);
  else if (spec.base !== undefined) object = parse(readFileSync(resolve(dirname(file), spec.base), 'utf8')) as Record<string, unknown>;
  else throw new Error('a case needs object or base');
  for (const [path, value] of Object.entries(spec.set ?? {})) setPath(object, path, value);
  return object;
}

function lookupOf(lookup: Lookup): LookupContext {
  const byName = (list: Record<string, unknown>[] | undefined, name: string) => list?.find((o) => (o['metadata'] as Record<string, unknown> | undefined)?.['name'] === name) ?? null;
  const inNamespace = (list: Record<string, unknown>[] | undefined, ns: string) => list?.filter((o) => ((o['metadata'] as Record<string, unknown> | undefined)?.['namespace'] ?? 'default') === ns);
  return {
    ...(lookup.storageClasses === undefined ? {} : {
      storageClass: (name: string) => byName(lookup.storageClasses, name),
      defaultStorageClass: () => lookup.storageClasses?.find((o) => (o['metadata'] as { annotations?: Record<string, unknown> } | undefined)?.annotations?.['storageclass.kubernetes.io/is-default-class'] === 'true') ?? null,
    }),
    ...(lookup.services === undefined ? {} : { services: (ns: string) => inNamespace(lookup.services, ns) }),
    ...(lookup.podDisruptionBudgets === undefined ? {} : { podDisruptionBudgets: (ns: string) => inNamespace(lookup.podDisruptionBudgets, ns) }),
  };
}

export function testCommand(directory: string, set: PolicySet, io: CommandIo): number {
  if (!statSync(directory, { throwIfNoEntry: false })?.isDirectory()) {
    io.stderr(`stateguard test: ${directory} is not a directory\n`);
    return 2;
  }
  const { cases, problems } = loadCases(findCaseFiles(directory));
  if (cases.length === 0 && problems.length === 0) {
    // Nothing ran: never report that as a pass.
    io.stderr(`stateguard test: no test cases under ${directory} (case files are tests/*.yaml with a \`cases:\` list)\n`);
    return 2;
  }
  const outcomes = runCases(set, cases);
  let failed = 0;
  for (const outcome of outcomes) {
    const ok = outcome.problems.length === 0;
    if (!ok) failed++;
    io.stdout(`${ok ? '✓' : '✗'} ${outcome.case.policy}: ${outcome.case.name}\n`);
    for (const problem of outcome.problems) io.stdout(`    ${problem}\n    (${outcome.case.file})\n`);
  }
  for (const problem of problems) io.stdout(`ERROR ${problem.file}: ${problem.message}\n`);
  io.stdout(`${outcomes.length - failed} passed, ${failed} failed${problems.length > 0 ? `, ${problems.length} case file error(s)` : ''}\n`);
  if (problems.length > 0) return 2;
  return failed > 0 ? 1 : 0;
}
