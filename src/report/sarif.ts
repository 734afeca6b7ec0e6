/** SARIF 2.1.0, as GitHub code scanning accepts it: one rule per policy (and one for input errors), one result per violation. */
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Policy, PolicyResult, Severity } from '../policy/index.ts';
import { findings, type InputProblem, type ReportItem, type Report } from './model.ts';

const LEVEL: Readonly<Record<PolicyResult['result'], string>> = { fail: 'error', warn: 'warning', error: 'error', skip: 'note', pass: 'none' };
const SECURITY_SEVERITY: Readonly<Record<Severity, string>> = { critical: '9.0', high: '7.5', medium: '5.0', low: '3.0', info: '1.0' };
const INPUT_ERROR = 'input-error';
/** File locations are relative to this base, which names the working directory of the run. */
const SRCROOT = '%SRCROOT%';
/** Cluster objects (audit) are API paths relative to this base, which names the API server. */
const API_SERVER = 'KUBERNETES_API_SERVER';

export interface SarifOptions {
  /** Where relative file locations start: the working directory of the run. */
  readonly cwd: string;
}

/** `storage-class-required` → `StorageClassRequired`: SARIF's `name` is a readable identifier, not the id again. */
function ruleName(id: string): string {
  return id.split(/[^A-Za-z0-9]+/).filter(Boolean).map((w) => w[0]?.toUpperCase() + w.slice(1)).join('');
}

function encodePath(path: string): string {
  return path.split(sep).map(encodeURIComponent).join('/');
}

export function formatSarif(report: Report, policies: readonly Policy[], version: string, options: SarifOptions): string {
  const cwd = options.cwd;
  const artifact = (file: string): Record<string, unknown> => {
    if (report.apiServer !== undefined) return { uri: file.replace(/^\/+/, '').split('/').map(encodeURIComponent).join('/'), uriBaseId: API_SERVER };
    if (file === '<stdin>') return { uri: 'stdin', description: { text: 'standard input' } };
    const rel = relative(cwd, resolve(cwd, file));
    if (rel.startsWith('..') || isAbsolute(rel)) return { uri: pathToFileURL(resolve(cwd, file)).href };
    return { uri: encodePath(rel), uriBaseId: SRCROOT };
  };
  const region = (line: number | undefined) => (line !== undefined && line >= 1 ? { region: { startLine: line } } : {});
  const rules = [
    ...policies.map((policy) => ({
      id: policy.id,
      name: ruleName(policy.id),
      shortDescription: { text: policy.description },
      fullDescription: { text: policy.description },
      help: { text: policy.validate?.fix ?? policy.description },
      defaultConfiguration: { level: policy.action === 'deny' ? 'error' : 'warning' },
      // A mutator has no severity (its only results are errors, which are never enforced).
      properties: { tags: [policy.category, 'kubernetes', 'statefulset'], ...(policy.severity === undefined ? {} : { 'security-severity': SECURITY_SEVERITY[policy.severity] }) },
    })),
    {
      id: INPUT_ERROR,
      name: 'InputError',
      shortDescription: { text: 'An input could not be reviewed (unreadable, not YAML or JSON, or not a Kubernetes object).' },
      fullDescription: { text: 'The input was not reviewed, so nothing in it was checked: fix the input and run the review again.' },
      help: { text: 'Fix the file named in the message (syntax, duplicate key, size, type) and review it again.' },
      defaultConfiguration: { level: 'error' },
      properties: { tags: ['input', 'kubernetes'] },
    },
  ];
  const ruleIndex = new Map(rules.map((rule, i) => [rule.id, i]));
  const location = (item: ReportItem) => ({ physicalLocation: { artifactLocation: artifact(item.source), ...region(item.line) } });
  const results = findings(report).map(({ item, result, violation }) => ({
    ruleId: result.policy,
    ...(ruleIndex.has(result.policy) ? { ruleIndex: ruleIndex.get(result.policy) } : {}),
    level: LEVEL[result.result],
    message: { text: `${item.kind} ${item.namespace}/${item.name}: ${violation.path}: ${violation.message} (fix: ${violation.fix})` },
    locations: [{
      ...location(item),
      logicalLocations: [{ name: `${item.namespace}/${item.name}`, fullyQualifiedName: `${item.namespace}/${item.name}/${violation.path}`, kind: 'object' }],
    }],
    partialFingerprints: { stateguardFinding: `${item.namespace}/${item.name}/${result.policy}/${violation.path}` },
    properties: { action: result.action, ...(violation.checkId === undefined ? {} : { podSecurityCheck: violation.checkId }) },
  }));
  const problems = report.problems.map((problem: InputProblem) => ({
    ruleId: INPUT_ERROR,
    ruleIndex: ruleIndex.get(INPUT_ERROR),
    level: 'error',
    message: { text: problem.message },
    locations: [{ physicalLocation: { artifactLocation: artifact(problem.file), ...region(problem.line) } }],
  }));
  const baseIds = report.apiServer === undefined
    ? { [SRCROOT]: { uri: `${pathToFileURL(cwd).href.replace(/\/?$/, '/')}`, description: { text: 'the working directory of the review' } } }
    : { [API_SERVER]: { uri: report.apiServer.replace(/\/?$/, '/'), description: { text: 'the Kubernetes API server that was audited' } } };
  return JSON.stringify({
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [{
      tool: { driver: { name: 'stateguard', version, informationUri: 'https://github.com/stateguard/stateguard', rules } },
      originalUriBaseIds: baseIds,
      results: [...results, ...problems],
    }],
  }, null, 2) + '\n';
}
