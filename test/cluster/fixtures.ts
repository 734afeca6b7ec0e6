/** Objects and helpers shared by the cluster and audit tests. */
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { pino } from 'pino';
import type { JsonObject } from '../../src/policy/index.ts';
import { statefulSetOf } from '../helpers/statefulset.ts';
import type { Cluster } from '../e2e/harness/cluster.ts';
import { writeKubeconfig } from '../e2e/harness/kubectl.ts';

export const silentLog = pino({ level: 'silent' });

export interface StatefulSetOptions {
  readonly replicas?: number;
  readonly storageClassName?: string;
  /** Drops the resource requests: a deny violation (resource-requests-required). */
  readonly withoutRequests?: boolean;
}

/** A StatefulSet that every built-in policy passes, LOOKUP policies aside (they need its Service, PDB and StorageClass). */
export function statefulSet(name: string, namespace: string, options: StatefulSetOptions = {}): JsonObject {
  return statefulSetOf(name, namespace, {
    replicas: options.replicas ?? 1,
    podSpec: {
      securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
      containers: [{
        name: 'app',
        image: 'registry.k8s.io/pause:3.10',
        ...(options.withoutRequests === true ? { resources: { limits: { memory: '64Mi' } } } : { resources: { requests: { cpu: '10m', memory: '64Mi' }, limits: { memory: '64Mi' } } }),
        readinessProbe: { exec: { command: ['true'] } },
        securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
        volumeMounts: [{ name: 'data', mountPath: '/data' }],
      }],
    },
    volumeClaimTemplates: [{
      metadata: { name: 'data' },
      spec: { storageClassName: options.storageClassName ?? 'standard', accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
    }],
  });
}

/** Polls `probe` until it returns a value other than undefined, or fails with the last value seen. */
export async function eventually<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(100);
  }
}

const DEPLOY = resolve(import.meta.dirname, '../../deploy/base');

/**
 * Installs stateguard's namespace, service account and least-privilege RBAC from deploy/base, and returns a
 * kubeconfig of that service account: what the server runs as, so tests prove the RBAC suffices.
 */
export async function stateguardKubeconfig(cluster: Cluster): Promise<string> {
  const run = async (args: string[]): Promise<string> => {
    const result = await cluster.kubectl(args);
    if (result.code !== 0) throw new Error(`kubectl ${args.join(' ')}: ${result.stderr}`);
    return result.stdout;
  };
  for (const file of ['namespace.yaml', 'serviceaccount.yaml', 'rbac.yaml']) await run(['apply', '-f', join(DEPLOY, file)]);
  const token = (await run(['create', 'token', 'stateguard', '-n', 'stateguard', '--duration=1h'])).trim();
  const path = join(cluster.dir, 'stateguard.kubeconfig');
  await writeKubeconfig(path, { server: cluster.server, caPem: cluster.caPem, token });
  return path;
}
