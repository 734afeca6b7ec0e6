/** SARIF 2.1.0, as GitHub code scanning accepts it: one rule per policy, one result per violation. */
import type { Policy, PolicyResult } from '../policy/index.ts';
import { findings, type ReviewReport } from './model.ts';

const LEVEL: Readonly<Record<PolicyResult['result'], string>> = { fail: 'error', warn: 'warning', error: 'error', skip: 'note', pass: 'none' };
const SECURITY_SEVERITY: Readonly<Record<Policy['severity'], string>> = { critical: '9.0', high: '7.5', medium: '5.0', low: '3.0', info: '1.0' };

export function formatSarif(report: ReviewReport, policies: readonly Policy[], version: string): string {
  const ruleIndex = new Map(policies.map((p, i) => [p.id, i]));
  const results = findings(report).map(({ item, result, violation }) => ({
    ruleId: result.policy,
    ruleIndex: ruleIndex.get(result.policy) ?? -1,
    level: LEVEL[result.result],
    message: { text: `${item.kind} ${item.namespace}/${item.name}: ${violation.path}: ${violation.message} (fix: ${violation.fix})` },
    locations: [{
      physicalLocation: { artifactLocation: { uri: toUri(item.file) }, region: { startLine: Math.max(1, item.line) } },
      logicalLocations: [{ name: `${item.namespace}/${item.name}`, fullyQualifiedName: `${item.namespace}/${item.name}/${violation.path}`, kind: 'object' }],
    }],
    partialFingerprints: { stateguardFinding: `${item.namespace}/${item.name}/${result.policy}/${violation.path}` },
    properties: { action: result.action, ...(violation.checkId === undefined ? {} : { podSecurityCheck: violation.checkId }) },
  }));
  const problems = report.problems.map((problem) => ({
    ruleId: 'input-error',
    level: 'error',
    message: { text: problem.message },
    locations: [{ physicalLocation: { artifactLocation: { uri: toUri(problem.file) }, region: { startLine: Math.max(1, problem.line ?? 1) } } }],
  }));
  return JSON.stringify({
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [{
      tool: {
        driver: {
          name: 'stateguard',
          version,
          informationUri: 'https://github.com/stateguard/stateguard',
          rules: policies.map((policy) => ({
            id: policy.id,
            name: policy.id,
            shortDescription: { text: policy.description },
            fullDescription: { text: policy.description },
            help: { text: policy.validate?.fix ?? policy.description },
            defaultConfiguration: { level: policy.action === 'deny' ? 'error' : 'warning' },
            properties: { tags: [policy.category, 'kubernetes', 'statefulset'], 'security-severity': SECURITY_SEVERITY[policy.severity] },
          })),
        },
      },
      results: [...results, ...problems],
    }],
  }, null, 2) + '\n';
}

function toUri(file: string): string {
  return file === '<stdin>' ? 'stdin' : file.split('\\').join('/').replace(/^\.\//, '');
}
