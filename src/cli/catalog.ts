/** `stateguard policies` and `stateguard explain ID`, with the params in effect (the policy's own ← config file). */
import { CHECKS, MUTATORS, type Action, type JsonObject, type Policy, type PolicySet } from '../policy/index.ts';

type Configured = Readonly<Record<string, { readonly action?: Action; readonly enabled?: boolean; readonly params?: JsonObject }>>;

/** What a policy runs: validate, lookup (a validation that reads cluster data) or mutator. The JSON key stays `kind` (users read it). */
export function ruleTypeOf(policy: Policy): string {
  if (policy.validate === undefined) return 'mutator';
  return policy.lookup ? 'lookup' : 'validate';
}

/** What a policy does by default: the validation's action, and a mutator's switch (`on` / `off`). */
export function defaultOf(policy: Policy): string {
  const switched = policy.mutate === undefined ? undefined : policy.mutate.enabled ? 'on' : 'off';
  if (policy.validate === undefined) return switched ?? '';
  return switched === undefined ? policy.action : `${policy.action}, mutator ${switched}`;
}

/** The params a policy runs with: those of its check, or of its mutator (after the config file's are merged in). */
export function paramsOf(policy: Policy): JsonObject {
  return { ...policy.mutate?.params, ...policy.validate?.params };
}

export function listPolicies(set: PolicySet, json: boolean): string {
  if (json) {
    return JSON.stringify(set.policies.map((p) => ({
      id: p.id, kind: ruleTypeOf(p), category: p.category,
      ...(p.validate === undefined ? {} : { severity: p.severity, action: p.action }),
      ...(p.mutate === undefined ? {} : { enabled: p.mutate.enabled }),
      operations: p.operations, targets: p.targets, params: paramsOf(p), description: p.description,
    })), null, 2) + '\n';
  }
  const width = Math.max(...set.policies.map((p) => p.id.length));
  return set.policies.map((p) => {
    const params = paramsOf(p);
    return `${p.id.padEnd(width)}  ${defaultOf(p).padEnd(5)}  ${ruleTypeOf(p).padEnd(8)}  ${p.description}${Object.keys(params).length > 0 ? `  params: ${JSON.stringify(params)}` : ''}`;
  }).join('\n') + '\n';
}

export function explain(set: PolicySet, id: string, configured: Configured = {}): string | undefined {
  const p = set.byId.get(id);
  if (p === undefined) return undefined;
  const fromConfig = configured[id];
  const lines = [
    `${p.id} (${ruleTypeOf(p)}, ${p.category})`,
    '',
    p.description,
    '',
    `${p.validate === undefined ? '' : `default action: ${p.action}    severity: ${p.severity}    `}operations: ${p.operations.join(', ')}    applies to: ${p.targets.join(', ')}`,
  ];
  if (fromConfig?.action !== undefined) lines.push(`action from the config file: ${fromConfig.action}`);
  if (p.lookup) lines.push('needs cluster data: the webhook reads its watched caches; stateguard review reads the objects in the same input and --cluster-data, and skips without them');
  if (p.validate !== undefined) {
    lines.push(`rule: ${p.validate.check === undefined ? `JSON Schema${p.validate.forEach === undefined ? '' : ` for each ${p.validate.forEach}`}` : `built-in check ${p.validate.check}`}`);
    lines.push(`fix: ${p.validate.fix}`);
  }
  if (p.mutate !== undefined) lines.push(`mutator: ${p.mutate.mutator}, ${p.mutate.enabled ? 'on' : 'off'}${fromConfig?.enabled === undefined ? '' : ' (set by the config file)'}`);
  const params = paramsOf(p);
  const accepted = acceptedParams(p);
  if (accepted.length > 0) {
    const set = Object.keys(fromConfig?.params ?? {});
    lines.push(`params: ${JSON.stringify(params)}${set.length > 0 ? ` (the config file sets ${set.join(', ')})` : ''}`);
    lines.push(`accepted params: ${accepted.join(', ')}`);
  }
  lines.push(`defined in: ${p.file}:${p.line}`);
  const overrides = [p.validate === undefined ? '' : 'action: deny|warn|audit|off', p.mutate === undefined ? '' : 'enabled: true|false', accepted.length > 0 ? 'params: { … }' : ''].filter((o) => o !== '');
  lines.push('', `override in the config file:  policies: { ${p.id}: { ${overrides.join(', ')} } }`);
  lines.push(`exempt one StatefulSet:       stateguard.io/exempt: "${p.id}" + stateguard.io/exempt-reason: "<why>" (needs config exemptions.annotations: true and the RBAC verb exempt on statefulsetpolicies.stateguard.io "${p.id}")`);
  return lines.join('\n') + '\n';
}

/** The param names the policy's built-in check or mutator accepts (from its params schema). */
function acceptedParams(policy: Policy): string[] {
  const schemas = [
    policy.validate?.check === undefined ? undefined : CHECKS.get(policy.validate.check)?.params,
    policy.mutate === undefined ? undefined : MUTATORS.get(policy.mutate.mutator)?.params,
  ];
  return schemas.flatMap((schema) => Object.keys((schema?.['properties'] ?? {}) as JsonObject));
}
