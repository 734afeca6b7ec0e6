/**
 * Reads policy documents from directories (every *.yaml / *.yml outside `tests/` folders) or single files: the
 * StatefulSetPolicy manifests one would `kubectl apply`, labels and annotations included.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compilePolicies, configurePolicies, exceptionsOfSources, StateguardError, type PolicyException, type PolicySet, type PolicySettings, type PolicySource } from '../policy/index.ts';

export const BUILTIN_POLICY_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../policies');

export function readPolicySources(directory: string): PolicySource[] {
  let stat;
  try {
    stat = statSync(directory);
  } catch (error) {
    throw new StateguardError('ERR_POLICY_INVALID', `cannot read policy directory ${directory}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, { cause: error });
  }
  if (stat.isFile()) return [{ file: relative(process.cwd(), directory) || directory, text: readFileSync(directory, 'utf8') }];
  if (!stat.isDirectory()) throw new StateguardError('ERR_POLICY_INVALID', `policy path ${directory} is neither a file nor a directory`);
  const sources: PolicySource[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== 'tests' && !entry.name.startsWith('.')) walk(path);
      } else if (/\.ya?ml$/.test(entry.name)) {
        sources.push({ file: relative(process.cwd(), path) || path, text: readFileSync(path, 'utf8') });
      }
    }
  };
  walk(directory);
  return sources;
}

/**
 * The built-in policies (unless disabled) plus each extra directory, compiled together, with the config file's
 * per-policy settings (params) applied.
 */
export function loadPolicySet(directories: readonly string[], builtin = true, settings: Readonly<Record<string, PolicySettings>> = {}): PolicySet {
  const dirs = builtin ? [BUILTIN_POLICY_DIR, ...directories] : [...directories];
  return configurePolicies(compilePolicies(dirs.flatMap((dir) => readPolicySources(dir))), settings);
}

/**
 * The StatefulSetPolicyExceptions in the extra policy directories (beside the policies, as one would `kubectl apply`
 * them); ERR_POLICY_INVALID naming file:line and field of each invalid one.
 */
export function loadExceptions(directories: readonly string[]): PolicyException[] {
  const { exceptions, problems } = exceptionsOfSources(directories.flatMap((dir) => readPolicySources(dir)));
  if (problems.length > 0) throw new StateguardError('ERR_POLICY_INVALID', `invalid StatefulSetPolicyException (${problems.length} problem${problems.length === 1 ? '' : 's'})`, { details: problems });
  return exceptions;
}
