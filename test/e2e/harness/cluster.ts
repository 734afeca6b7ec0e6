import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { controlPlaneBinaries } from './binaries.ts';
import { registerCleanup } from './cleanup.ts';
import { httpsGet } from './https.ts';
import { runKubectl, runKubectlOk, writeKubeconfig } from './kubectl.ts';
import type { KubectlOptions, KubectlResult } from './kubectl.ts';
import type { Release } from './release.ts';
import { createCa, createKeyPair, issueServingCert } from './pki.ts';
import { freeLoopbackPorts } from './ports.ts';
import { logTail, startProcess } from './processes.ts';
import type { ManagedProcess } from './processes.ts';

export interface ClusterOptions {
  /** Bound on starting etcd and the apiserver until /readyz answers ok. */
  readyTimeoutMs?: number;
  /**
   * More kube-apiserver flags, e.g. --enable-aggregator-routing=true: webhook Services are then called at the
   * address of their Endpoints/EndpointSlice, which a test can point at a process of this machine.
   */
  apiserverArgs?: readonly string[];
}

/** etcd and kube-apiserver on 127.0.0.1, with no controller-manager, scheduler or nodes. */
export interface Cluster {
  /** Path of an admin kubeconfig (token user in system:masters). */
  kubeconfig: string;
  /** https://127.0.0.1:<port> */
  server: string;
  /** CA that signed the apiserver's serving certificate. */
  caPem: string;
  /** Bearer token of the admin user. */
  token: string;
  /** Temporary directory with certificates, etcd data, etcd.log and kube-apiserver.log. */
  dir: string;
  pids: { etcd: number; apiserver: number };
  /** From starting etcd to the apiserver's /readyz answering ok. */
  startupMs: number;
  /** The Kubernetes release of etcd, kube-apiserver and kubectl (test/e2e/cluster/releases). */
  release: Release;
  /** kubectl built from that release. */
  kubectlPath: string;
  kubectl(args: string[], options?: KubectlOptions): Promise<KubectlResult>;
  /** As `kubectl`, failing with the command and its stderr unless it exits 0. */
  kubectlOk(args: string[], options?: KubectlOptions): Promise<KubectlResult>;
  /**
   * Waits until a CustomResourceDefinition (`crd/<name>`) is Established. Not `kubectl wait`: it fails at once
   * ("status.conditions accessor error") when it reads the CRD before the API server has written any condition,
   * which happened under load on 1.37.
   */
  waitEstablished(crd: string): Promise<void>;
  /** The apiserver's /metrics in Prometheus text format. */
  metrics(): Promise<string>;
  /** Stops both processes and removes `dir` (kept with STATEGUARD_E2E_KEEP=1). */
  stop(): Promise<void>;
}

const defaultReadyTimeoutMs = 120_000;
const stopGraceMs = 10_000;
const requestTimeoutMs = 10_000;
const adminUser = 'stateguard-e2e-admin';
const keepDir = process.env.STATEGUARD_E2E_KEEP === '1';

export async function startCluster(options: ClusterOptions = {}): Promise<Cluster> {
  const binaries = await controlPlaneBinaries();
  const dir = await mkdtemp(join(tmpdir(), 'stateguard-e2e-'));
  const unregisterDirCleanup = registerCleanup(() => removeDirSync(dir));
  const processes: ManagedProcess[] = [];
  try {
    const [etcdClientPort, etcdPeerPort, apiserverPort] = (await freeLoopbackPorts(3)) as [number, number, number];
    const server = `https://127.0.0.1:${apiserverPort}`;
    const ca = await createCa(dir, 'ca');
    const servingCert = await issueServingCert(dir, 'kube-apiserver', ca, { ipAddresses: ['127.0.0.1'], dnsNames: ['localhost'] });
    const serviceAccountKeys = await createKeyPair(dir, 'service-account');
    const token = randomBytes(24).toString('hex');
    const tokenFile = join(dir, 'tokens.csv');
    await writeFile(tokenFile, `${token},${adminUser},${adminUser},"system:masters"\n`, { mode: 0o600 });

    const startedAt = performance.now();
    const readyTimeoutMs = options.readyTimeoutMs ?? defaultReadyTimeoutMs;
    const deadline = { at: Date.now() + readyTimeoutMs, ms: readyTimeoutMs };
    const etcdUrl = `http://127.0.0.1:${etcdClientPort}`;
    const etcd = startProcess('etcd', binaries.etcd, etcdArgs(dir, etcdUrl, `http://127.0.0.1:${etcdPeerPort}`), join(dir, 'etcd.log'));
    processes.push(etcd);
    await waitUntilReady(etcd, deadline, async () => {
      const response = await fetch(`${etcdUrl}/health`, { signal: AbortSignal.timeout(requestTimeoutMs) });
      return response.ok && ((await response.json()) as { health?: string }).health === 'true';
    });

    const apiserver = startProcess('kube-apiserver', binaries.kubeApiserver, apiserverArgs({
      etcdUrl, port: apiserverPort, servingCert, serviceAccountKeys, tokenFile,
    }).concat(options.apiserverArgs ?? []), join(dir, 'kube-apiserver.log'));
    processes.push(apiserver);
    const get = (path: string) => httpsGet(`${server}${path}`, { caPem: ca.certPem, token, timeoutMs: requestTimeoutMs });
    await waitUntilReady(apiserver, deadline, async () => (await get('/readyz')).status === 200);
    const startupMs = Math.round(performance.now() - startedAt);

    const kubeconfig = join(dir, 'kubeconfig');
    await writeKubeconfig(kubeconfig, { server, caPem: ca.certPem, token });

    return {
      kubeconfig,
      server,
      caPem: ca.certPem,
      token,
      dir,
      pids: { etcd: etcd.pid, apiserver: apiserver.pid },
      startupMs,
      release: binaries.release,
      kubectlPath: binaries.kubectl,
      kubectl: (args, kubectlOptions) => runKubectl(binaries.kubectl, kubeconfig, args, kubectlOptions),
      kubectlOk: (args, kubectlOptions) => runKubectlOk(binaries.kubectl, kubeconfig, args, kubectlOptions),
      waitEstablished: (crd) => waitEstablished((args) => runKubectlOk(binaries.kubectl, kubeconfig, args), crd),
      async metrics() {
        const response = await get('/metrics');
        if (response.status !== 200) throw new Error(`GET ${server}/metrics answered ${response.status}: ${response.body}`);
        return response.body;
      },
      async stop() {
        await stopAll(processes);
        await removeDir(dir);
        unregisterDirCleanup();
      },
    };
  } catch (error) {
    const tails = await Promise.all(processes.map(async (p) => `--- last lines of ${p.name}'s log ---\n${await logTail(p.logPath, 40)}`));
    await stopAll(processes);
    await removeDir(dir);
    unregisterDirCleanup();
    const message = error instanceof Error ? error.message : String(error);
    const keptHint = keepDir ? `files kept in ${dir}` : 'set STATEGUARD_E2E_KEEP=1 to keep the logs, certificates and etcd data';
    throw new Error([`e2e cluster failed to start: ${message} (${keptHint})`, ...tails].join('\n\n'), { cause: error });
  }
}

function etcdArgs(dir: string, clientUrl: string, peerUrl: string): string[] {
  return [
    '--name=e2e',
    `--data-dir=${join(dir, 'etcd-data')}`,
    `--listen-client-urls=${clientUrl}`,
    `--advertise-client-urls=${clientUrl}`,
    `--listen-peer-urls=${peerUrl}`,
    `--initial-advertise-peer-urls=${peerUrl}`,
    `--initial-cluster=e2e=${peerUrl}`,
    // The data is thrown away after the run; fsync would dominate write latency on a shared disk.
    '--unsafe-no-fsync',
  ];
}

interface ApiserverConfig {
  etcdUrl: string;
  port: number;
  servingCert: { certPath: string; keyPath: string };
  serviceAccountKeys: { publicKeyPath: string; privateKeyPath: string };
  tokenFile: string;
}

function apiserverArgs(config: ApiserverConfig): string[] {
  return [
    `--etcd-servers=${config.etcdUrl}`,
    '--bind-address=127.0.0.1',
    '--advertise-address=127.0.0.1',
    // The reconciler would publish the loopback advertise address as the `kubernetes` Service
    // endpoint, which Endpoints validation rejects; nothing here reaches the apiserver through it.
    '--endpoint-reconciler-type=none',
    `--secure-port=${config.port}`,
    `--tls-cert-file=${config.servingCert.certPath}`,
    `--tls-private-key-file=${config.servingCert.keyPath}`,
    `--token-auth-file=${config.tokenFile}`,
    '--authorization-mode=Node,RBAC',
    // As kubeadm and most distributions run it: privileged containers are then judged by admission (Pod Security,
    // stateguard), not refused by the API server's own flag before any validating webhook sees them. Without it
    // 1.37 refuses a privileged StatefulSet template in its own validation ("disallowed by cluster policy").
    '--allow-privileged=true',
    // Added to the default plugin list (not replacing it); named so the dependency is explicit.
    '--enable-admission-plugins=MutatingAdmissionWebhook,ValidatingAdmissionWebhook,PodSecurity',
    '--service-cluster-ip-range=10.0.0.0/24',
    '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
    `--service-account-key-file=${config.serviceAccountKeys.publicKeyPath}`,
    `--service-account-signing-key-file=${config.serviceAccountKeys.privateKeyPath}`,
  ];
}

async function waitUntilReady(managed: ManagedProcess, deadline: { at: number; ms: number }, probe: () => Promise<boolean>): Promise<void> {
  for (;;) {
    const exitReason = managed.exitReason();
    if (exitReason !== undefined) throw new Error(`${managed.name} ended (${exitReason}) before it was ready`);
    if (await probe().catch(() => false)) return;
    if (Date.now() > deadline.at) throw new Error(`${managed.name} was not ready within the start-up timeout of ${deadline.ms} ms`);
    await sleep(250);
  }
}

async function stopAll(processes: ManagedProcess[]): Promise<void> {
  // The apiserver first, so it does not log a burst of etcd connection errors on the way down.
  for (const managed of [...processes].reverse()) await managed.stop(stopGraceMs);
}

async function removeDir(dir: string): Promise<void> {
  if (keepDir) console.error(`STATEGUARD_E2E_KEEP=1: kept ${dir}`);
  else await rm(dir, { recursive: true, force: true });
}

function removeDirSync(dir: string): void {
  // Retries because etcd, just sent SIGKILL, may still be writing to its data directory.
  if (!keepDir) rmSync(dir, { recursive: true, force: true, maxRetries: 5 });
}

const establishedTimeoutMs = 60_000;
const establishedPollMs = 100;

async function waitEstablished(kubectlOk: (args: string[]) => Promise<KubectlResult>, crd: string): Promise<void> {
  const deadline = Date.now() + establishedTimeoutMs;
  let status = '';
  while (Date.now() < deadline) {
    // The whole object, read here: a jsonpath filter over conditions fails too while there are none.
    const object = JSON.parse((await kubectlOk(['get', crd, '-o', 'json'])).stdout) as { status?: { conditions?: { type?: string; status?: string }[] } };
    status = object.status?.conditions?.find((condition) => condition.type === 'Established')?.status ?? '';
    if (status === 'True') return;
    await new Promise((resolve) => setTimeout(resolve, establishedPollMs));
  }
  throw new Error(`${crd} is not Established after ${establishedTimeoutMs} ms (Established: ${status === '' ? 'no condition yet' : status})`);
}
