/** Watches what a reload reads: every policy directory (recursively) and the config file's directory. */
import { dirname } from 'node:path';
import type { Logger } from 'pino';
import type { Config } from '../config/config.ts';
import { BUILTIN_POLICY_DIR } from '../config/read-policies.ts';
import { LOG_KEYS } from '../logging/log-keys.ts';
import { filesOrVolumeSwap, watchDirectories } from './watch-directories.ts';

/** Editors and `kubectl cp` write several files in a burst: reload once, after it. */
const RELOAD_DEBOUNCE_MS = 300;

/** Returns a function that stops watching. */
export function watchPolicySources(config: Config, onChange: () => void, logger: Logger): () => void {
  const onError = (directory: string, error: Error): void => {
    logger.warn({ [LOG_KEYS.err]: error }, `cannot watch ${directory}; send SIGHUP to reload after changing it`);
  };
  const policyDirs = config.builtinPolicies ? [BUILTIN_POLICY_DIR, ...config.policyDirs] : config.policyDirs;
  const stops = [watchDirectories(policyDirs, { recursive: true, debounceMs: RELOAD_DEBOUNCE_MS, onChange, onError })];
  if (config.file !== undefined) {
    stops.push(watchDirectories([dirname(config.file)], { recursive: false, debounceMs: RELOAD_DEBOUNCE_MS, relevant: filesOrVolumeSwap([config.file]), onChange, onError }));
  }
  return () => {
    for (const stop of stops) stop();
  };
}
