/** Bundles policies/ into deploy/base/policies.yaml (the ConfigMap key); `--write` updates it, a test keeps it current. */
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { BUILTIN_POLICY_DIR, readPolicySources } from '../src/config/read-policies.ts';

export const BUNDLE = resolve(import.meta.dirname, '../deploy/base/policies.yaml');

export function policyBundle(): string {
  const header = '# Generated from policies/ by `npm run deploy:policies`: edit the policies there, not here.\n';
  return header + readPolicySources(BUILTIN_POLICY_DIR).map((source) => `---\n# ${source.file}\n${source.text.trimEnd()}\n`).join('');
}

if (import.meta.main) {
  if (process.argv.includes('--write')) writeFileSync(BUNDLE, policyBundle());
  else process.stdout.write(readFileSync(BUNDLE, 'utf8') === policyBundle() ? 'deploy/base/policies.yaml is current\n' : 'deploy/base/policies.yaml is stale\n');
}
