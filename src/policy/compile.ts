/** Policy documents (YAML text) → a validated, compiled, frozen policy set. Pure: the caller reads the files. */
import { isDeepStrictEqual } from 'node:util';
import type { Ajv, ErrorObject, ValidateFunction } from 'ajv';
import type { Document, LineCounter } from 'yaml';
import { newAjv } from './ajv.ts';
import { CATEGORY_ANNOTATION } from './annotations.ts';
import { CHECKS } from './checks/index.ts';
import { fastDocuments } from './fast-yaml.ts';
import { RULE_VALIDATORS } from '../generated/rule-validators.ts';
import { validate as precompiledPolicyValidator } from '../generated/validate-policy-document.ts';
import { StateguardError } from './errors.ts';
import { isExceptionDocument } from './exception-types.ts';
import { MUTATORS } from './mutators/index.ts';
import { yaml } from './on-first-use.ts';
import { parsePath, pointerTokens } from './paths.ts';
import { RULE_SCHEMA_AJV_OPTIONS, type POLICY_SCHEMA } from './policy-schema.ts';
import type { FromSchema } from './from-schema.ts';
import type { Action, JsonObject, Mutate, Policy, Severity } from './types.ts';

export interface PolicySource {
  readonly file: string;
  readonly text: string;
}

export interface PolicySet {
  readonly policies: readonly Policy[];
  readonly byId: ReadonlyMap<string, Policy>;
  /** Compiled `validate.schema` of schema rules, by policy id. */
  readonly schemas: ReadonlyMap<string, ValidateFunction>;
}

/** A policy document as the schema reads it, before defaults and compilation. */
type RawPolicy = FromSchema<typeof POLICY_SCHEMA>;
/** POLICY_SCHEMA, compiled ahead of time (npm run validators): compiling it here cost about 40 ms of every start-up. */
const validatePolicyDocument = precompiledPolicyValidator as ValidateFunction<RawPolicy>;

type RuleCompiler = (schema: JsonObject) => ValidateFunction;

/**
 * Compiles policies' own schemas with one ajv instance per policy set, made on the first schema that is not
 * precompiled: those of the built-in policies, checks and mutators are (src/generated/rule-validators.ts, the same
 * code ajv generates here), which saves about 150 ms of a start-up. A precompiled validator is used only for a schema
 * equal to the one it was generated from.
 */
function ruleCompiler(): RuleCompiler {
  let ajv: Ajv | undefined;
  return (schema) => {
    const key = JSON.stringify(schema);
    const precompiled = RULE_VALIDATORS.get(key);
    if (precompiled !== undefined && isDeepStrictEqual(JSON.parse(key), schema)) return precompiled;
    ajv ??= newAjv(RULE_SCHEMA_AJV_OPTIONS);
    return ajv.compile(schema);
  };
}

/** One document of a policy file, as a reader gives it. */
interface PolicyDocument {
  readonly value: unknown;
  /** 1-based line where the document's content starts. */
  readonly line: number;
  /** The line of the node at a JSON pointer (`fallback` when there is none). */
  readonly lineAt: (instancePath: string, fallback: number) => number;
  /** Its YAML errors, as `file:line: YAML: …`; the value is not read when there are some. */
  readonly errors: readonly string[];
}

/** A file's documents that have content; `empty`: the file holds no document at all. */
type PolicyFile = { readonly documents: readonly PolicyDocument[]; readonly empty: boolean };

/**
 * Plain YAML (every built-in policy file) through the fast reader (fast-yaml.ts): no node tree and no positions,
 * which were a third of a short review's start-up. Undefined where it gives up, and for a file with an empty or null
 * document (the two readers tell those apart differently): the full reader reads those.
 */
function readFast(source: PolicySource): PolicyFile | undefined {
  const documents = fastDocuments(source.text);
  if (documents === undefined || documents.length === 0 || documents.some((d) => d.value === null)) return undefined;
  return { documents: documents.map(({ value, line }) => ({ value, line, lineAt: () => line, errors: [] })), empty: false };
}

/** The `yaml` library's Document path: positions for every message. */
function readFull(source: PolicySource): PolicyFile {
  const lines = new (yaml().LineCounter)();
  const parsed = yaml().parseAllDocuments(source.text, { lineCounter: lines, prettyErrors: false });
  const list = Array.isArray(parsed) ? parsed : [];
  const documents: PolicyDocument[] = [];
  for (const document of list) {
    if (document.contents === null) continue;
    const line = lines.linePos(document.contents.range?.[0] ?? 0).line;
    const errors = document.errors.map((error) => `${source.file}:${lines.linePos(error.pos[0]).line}: YAML: ${error.message.split('\n')[0] ?? ''}`);
    documents.push({ value: errors.length > 0 ? undefined : document.toJS(), line, lineAt: (instancePath, fallback) => lineOf(document, lines, instancePath, fallback), errors });
  }
  return { documents, empty: list.every((document) => document.contents === null && document.errors.length === 0) };
}

/**
 * The policy set of `sources`, or ERR_POLICY_INVALID listing every problem as `file:line: …`. Read first through the
 * fast reader; a set with a problem is read again, every file through the full reader, which gives each message its
 * line: the messages are those of the full reader alone.
 */
export function compilePolicies(sources: readonly PolicySource[]): PolicySet {
  const fast = compileSources(sources, (source) => readFast(source) ?? readFull(source));
  const { set, problems } = fast.problems.length === 0 ? fast : compileSources(sources, readFull);
  if (problems.length > 0) {
    throw new StateguardError('ERR_POLICY_INVALID', `invalid policy set (${problems.length} problem${problems.length === 1 ? '' : 's'})`, { details: problems });
  }
  return set;
}

function compileSources(sources: readonly PolicySource[], read: (source: PolicySource) => PolicyFile): { set: PolicySet; problems: string[] } {
  const problems: string[] = [];
  const policies: Policy[] = [];
  const schemas = new Map<string, ValidateFunction>();
  const compileRule = ruleCompiler();
  for (const source of sources) {
    const file = read(source);
    // An empty or comment-only file (a truncated write) would silently drop its policies.
    if (file.empty) {
      problems.push(`${source.file}: holds no policy (the file is empty or only comments)`);
      continue;
    }
    for (const { value: raw, line, lineAt, errors } of file.documents) {
      if (errors.length > 0) {
        problems.push(...errors);
        continue;
      }
      const at = `${source.file}:${line}`;
      // Exceptions may sit beside the policies, as one would `kubectl apply` them: read by exception-documents.ts.
      if (isExceptionDocument(raw)) continue;
      const name = policyName(raw);
      const stranger = foreignKind(raw);
      if (stranger !== undefined) {
        problems.push(`${at}: not a policy (${stranger}): every YAML file in a policy directory is loaded as a policy; put fixtures and test cases in a tests/ folder`);
        continue;
      }
      const oldStyle = oldStyleMutator(raw);
      if (oldStyle !== undefined) {
        problems.push(`${source.file}:${lineAt(`/spec/${oldStyle.field}`, line)}: policy ${name}: ${oldStyle.message}`);
        continue;
      }
      if (!validatePolicyDocument(raw)) {
        // An `if` error only says that its `then` failed: the `then` errors themselves are listed.
        for (const error of (validatePolicyDocument.errors ?? []).filter((e) => e.keyword !== 'if')) problems.push(`${source.file}:${lineAt(error.instancePath, line)}: policy ${name}: ${describeSchemaError(error)}`);
        continue;
      }
      const compiled = compileOne(raw, source.file, line, compileRule, schemas, (message) => problems.push(`${at}: policy ${name}: ${message}`));
      if (compiled === undefined) continue;
      if (policies.some((p) => p.id === compiled.id)) {
        const first = policies.find((p) => p.id === compiled.id);
        problems.push(`${at}: policy ${name}: duplicate id, already defined at ${first?.file ?? ''}:${first?.line ?? ''} (to change its action or params, set policies.${compiled.id} in the config file)`);
        continue;
      }
      policies.push(compiled);
    }
  }
  policies.sort((a, b) => a.id.localeCompare(b.id));
  return { set: Object.freeze({ policies: Object.freeze(policies), byId: new Map(policies.map((p) => [p.id, p])), schemas }), problems };
}

function compileOne(raw: RawPolicy, file: string, line: number, compileRule: RuleCompiler, schemas: Map<string, ValidateFunction>, report: (message: string) => void): Policy | undefined {
  const { spec } = raw;
  const id = raw.metadata.name;
  let ok = true;
  if (spec.validate?.check !== undefined) {
    const check = CHECKS.get(spec.validate.check);
    if (check === undefined) { report(`unknown check "${spec.validate.check}" (known: ${[...CHECKS.keys()].join(', ')})`); ok = false; }
    else ok = checkParams(compileRule, check.params, spec.validate.params, `validate.params of check ${check.name}`, report) && ok;
  }
  if (spec.validate?.schema !== undefined) {
    try {
      schemas.set(id, compileRule(spec.validate.schema));
    } catch (error) {
      report(`validate.schema does not compile: ${error instanceof Error ? error.message : String(error)}`);
      ok = false;
    }
  }
  for (const field of ['forEach', 'path'] as const) {
    const path = spec.validate?.[field];
    if (path === undefined) continue;
    try {
      parsePath(path);
    } catch (error) {
      report(`validate.${field}: ${(error as Error).message}`);
      ok = false;
    }
  }
  if (spec.mutate !== undefined) {
    const mutator = MUTATORS.get(spec.mutate.mutator);
    if (mutator === undefined) { report(`unknown mutator "${spec.mutate.mutator}" (known: ${[...MUTATORS.keys()].join(', ')})`); ok = false; }
    else ok = checkParams(compileRule, mutator.params, spec.mutate.params, `mutate.params of mutator ${mutator.name}`, report) && ok;
  }
  // Before, action off also kept the mutator of a validating policy from running; now only mutate.enabled does.
  if (spec.validate !== undefined && spec.mutate !== undefined && spec.action === 'off' && spec.mutate.enabled === undefined) {
    report('action off switches the validation only: say whether the mutator runs with mutate.enabled: true | false');
    ok = false;
  }
  if (!ok) return undefined;
  const mutate = spec.mutate === undefined ? undefined : Object.freeze({ mutator: spec.mutate.mutator, params: spec.mutate.params ?? {}, enabled: spec.mutate.enabled ?? true });
  const common = {
    id, file, line,
    category: raw.metadata.annotations?.[CATEGORY_ANNOTATION] ?? 'general',
    description: spec.description,
    operations: Object.freeze(spec.operations ?? (['CREATE', 'UPDATE'] as const)),
    targets: Object.freeze(spec.targets ?? (['StatefulSet'] as const)),
    lookup: spec.lookup ?? false,
    enforceInMutatingWebhook: spec.enforceInMutatingWebhook ?? false,
    ...(spec.match === undefined ? {} : { match: deepFrozen(spec.match) }),
    ...(spec.exclude === undefined ? {} : { exclude: deepFrozen(spec.exclude) }),
  };
  // The schema holds: validate comes with severity and action; without validate, mutate is there.
  if (spec.validate === undefined) return Object.freeze({ ...common, mutate: mutate as Mutate });
  const validate = Object.freeze({ ...spec.validate, params: spec.validate.params ?? {} });
  return Object.freeze({ ...common, severity: spec.severity as Severity, action: spec.action as Action, validate, ...(mutate === undefined ? {} : { mutate }) });
}

/**
 * A mutate-only policy written the old way (`action` and `severity`, which meant nothing to it): the first such field
 * and what to write instead. Undefined for any other document.
 */
function oldStyleMutator(raw: unknown): { field: string; message: string } | undefined {
  const spec = (raw as { spec?: unknown } | null)?.spec;
  if (typeof spec !== 'object' || spec === null) return undefined;
  const { validate, mutate, action } = spec as Record<string, unknown>;
  const fields = ['action', 'severity'].filter((field) => field in spec);
  if (validate !== undefined || mutate === undefined || fields.length === 0) return undefined;
  const was = action === undefined ? '' : ` (action ${String(action)} was mutate.enabled: ${action === 'off' ? 'false' : 'true'})`;
  const message = `${fields.map((f) => `spec.${f}`).join(' and ')}: a mutator has no action and no severity (they are the validation's); remove ${fields.length === 1 ? 'it' : 'them'} and switch the mutator with mutate.enabled: true | false${was}`;
  return { field: fields.includes('action') ? 'action' : 'severity', message };
}

function checkParams(compileRule: RuleCompiler, schema: JsonObject | undefined, params: JsonObject | undefined, what: string, report: (message: string) => void): boolean {
  if (schema === undefined) {
    if (params !== undefined && Object.keys(params).length > 0) { report(`${what}: takes no params`); return false; }
    return true;
  }
  const validate = compileRule(schema);
  if (validate(params ?? {})) return true;
  for (const error of validate.errors ?? []) report(`${what}: ${describeSchemaError(error)}`);
  return false;
}

/** `apiVersion kind` of a document that says it is something other than a StatefulSetPolicy (a fixture, a manifest). */
function foreignKind(raw: unknown): string | undefined {
  const { apiVersion, kind } = (typeof raw === 'object' && raw !== null ? raw : {}) as { apiVersion?: unknown; kind?: unknown };
  if (typeof kind !== 'string' || kind === 'StatefulSetPolicy') return undefined;
  return typeof apiVersion === 'string' ? `${apiVersion} ${kind}` : kind;
}

function policyName(raw: unknown): string {
  const name = (raw as { metadata?: { name?: unknown } } | null)?.metadata?.name;
  return typeof name === 'string' ? name : '<unnamed>';
}

export function describeSchemaError(error: ErrorObject): string {
  const where = error.instancePath === '' ? '(document)' : pointerTokens(error.instancePath).join('.');
  const params = error.params as Record<string, unknown>;
  if (error.keyword === 'additionalProperties') return `${where}: unknown field "${String(params['additionalProperty'])}"`;
  if (error.keyword === 'enum') return `${where}: ${error.message ?? ''} (${(params['allowedValues'] as unknown[]).join(', ')})`;
  return `${where}: ${error.message ?? 'is invalid'}`;
}

function lineOf(document: Document, lines: LineCounter, instancePath: string, fallback: number): number {
  const node = document.getIn(pointerTokens(instancePath), true) as { range?: [number, number, number] } | undefined;
  const offset = node?.range?.[0];
  return offset === undefined ? fallback : lines.linePos(offset).line;
}

function deepFrozen<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const inner of Object.values(value)) deepFrozen(inner);
    Object.freeze(value);
  }
  return value;
}
