/**
 * The config and policies in force. A reload swaps them whole, so each request sees one consistent set; a new
 * set that does not load is rejected with every problem logged, and the last good one keeps serving.
 */
import type { Logger } from 'pino';
import type { AdmissionContext } from '../admission/index.ts';
import { actionSettings, type Config } from '../config/config.ts';
import { StateguardError, type PolicySet } from '../policy/index.ts';
import { LOG_KEYS } from '../logging/log-keys.ts';
import { describeChanges, reloadChanges, type ReloadChanges } from './reload-changes.ts';

export interface Settings {
  readonly config: Config;
  readonly set: PolicySet;
}

/** What the server knows of the cluster; offline: nothing. */
export type Lookups = Pick<AdmissionContext, 'namespaceLabels' | 'lookup' | 'authoriseExemptions' | 'exceptions'>;

export type ReloadResult =
  | { readonly ok: true; readonly policies: number; readonly changes: ReloadChanges }
  | { readonly ok: false; readonly error: string; readonly problems: readonly string[] };

export interface PolicyStore {
  context(): AdmissionContext;
  settings(): Settings;
  reload(): ReloadResult;
}

export function createPolicyStore(initial: Settings, load: () => Settings, lookups: Lookups, logger: Logger): PolicyStore {
  const contextOf = (settings: Settings): AdmissionContext => ({ set: settings.set, actions: actionSettings(settings.config), ...lookups });
  let current = initial;
  let context = contextOf(initial);
  return {
    context: () => context,
    settings: () => current,
    reload() {
      let next: Settings;
      try {
        next = load();
      } catch (error) {
        const problems = error instanceof StateguardError ? error.details : [];
        const message = error instanceof Error ? error.message : String(error);
        logger.error({ [LOG_KEYS.problems]: problems }, `reload rejected, the last good policies keep serving: ${message}`);
        return { ok: false, error: message, problems };
      }
      if (readAtStart(next) !== readAtStart(current)) logger.warn('server or cluster settings changed; they take effect at the next start');
      const changes = reloadChanges(current, next);
      current = next;
      context = contextOf(next);
      const fields = { [LOG_KEYS.policies]: next.set.policies.length, [LOG_KEYS.changes]: changes };
      if (changes.weakens) logger.warn(fields, `config and policies reloaded, enforcement may be weaker: ${describeChanges(changes)}`);
      else logger.info(fields, 'config and policies reloaded');
      return { ok: true, policies: next.set.policies.length, changes };
    },
  };
}

/** The settings a reload cannot change: listeners, TLS, and what runs in the cluster. */
function readAtStart(settings: Settings): string {
  return JSON.stringify([settings.config.server, settings.config.cluster]);
}
