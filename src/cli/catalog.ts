/** `stateguard policies` and `stateguard explain ID`. */
import type { Policy, PolicySet } from '../policy/index.ts';

export function kindOf(policy: Policy): string {
  if (policy.validate === undefined) return 'mutator';
  return policy.lookup ? 'lookup' : 'validate';
}

export function listPolicies(set: PolicySet, json: boolean): string {
  if (json) {
    return JSON.stringify(set.policies.map((p) => ({ id: p.id, kind: kindOf(p), category: p.category, severity: p.severity, action: p.action, operations: p.operations, targets: p.targets, description: p.description })), null, 2) + '\n';
  }
  const width = Math.max(...set.policies.map((p) => p.id.length));
  return set.policies.map((p) => `${p.id.padEnd(width)}  ${p.action.padEnd(5)}  ${kindOf(p).padEnd(8)}  ${p.description}`).join('\n') + '\n';
}

export function explain(set: PolicySet, id: string): string | undefined {
  const p = set.byId.get(id);
  if (p === undefined) return undefined;
  const lines = [
    `${p.id} (${kindOf(p)}, ${p.category})`,
    '',
    p.description,
    '',
    `default action: ${p.action}    severity: ${p.severity}    operations: ${p.operations.join(', ')}    applies to: ${p.targets.join(', ')}`,
  ];
  if (p.lookup) lines.push('needs cluster data: skipped offline (stateguard review), evaluated by the webhook from its watched caches');
  if (p.validate !== undefined) {
    lines.push(`rule: ${p.validate.check === undefined ? `JSON Schema${p.validate.forEach === undefined ? '' : ` for each ${p.validate.forEach}`}` : `built-in check ${p.validate.check}`}`);
    if (Object.keys(p.validate.params).length > 0) lines.push(`params: ${JSON.stringify(p.validate.params)}`);
    lines.push(`fix: ${p.validate.fix}`);
  }
  if (p.mutate !== undefined) {
    lines.push(`mutator: ${p.mutate.mutator}${Object.keys(p.mutate.params).length > 0 ? ` ${JSON.stringify(p.mutate.params)}` : ''}`);
  }
  lines.push(`defined in: ${p.file}:${p.line}`);
  lines.push('', `override in the config file:  policies: { ${p.id}: { action: deny|warn|audit|off } }`);
  lines.push(`exempt one StatefulSet:       stateguard.io/exempt: "${p.id}" + stateguard.io/exempt-reason: "<why>"`);
  return lines.join('\n') + '\n';
}
