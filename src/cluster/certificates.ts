/**
 * Self-managed serving certificates for in-cluster installs without cert-manager. One Secret holds the pair every
 * replica serves and the CA bundle; only the leader writes it (and the webhooks' caBundle), every replica watches
 * it and hands each new pair to its HTTPS server. The rotation protocol is in certificate-rotation.ts.
 */
import { X509Certificate } from 'node:crypto';
import type { V1Secret } from '@kubernetes/client-node';
import type { JsonObject } from '../policy/index.ts';
import { patchCaBundles, type WebhookNames } from './ca-bundle.ts';
import { rotate, type CertificateData } from '../certificates/certificate-rotation.ts';
import { clusterError, describeFailure, httpStatus } from './cluster-error.ts';
import type { ClusterLog, Kube } from './kube.ts';
import type { LeaderElector } from './leader.ts';
import { watchCollection } from './watched-collection.ts';
import { LOG_KEYS } from '../logging/log-keys.ts';

export interface ServingCertificate {
  readonly cert: string;
  readonly key: string;
  /** The CAs clients trust during this pair's lifetime (PEM). */
  readonly caBundle: string;
  readonly notAfter: Date;
}

export interface CertificateOptions {
  readonly namespace: string;
  readonly secretName: string;
  readonly webhookNames: WebhookNames;
  readonly dnsNames: readonly string[];
  readonly validityMs: number;
  /** Between trusting a new CA and serving its certificate. Default 30 s. */
  readonly switchDelayMs?: number;
  /** How often the leader checks the Secret and the caBundles. Default 60 s. */
  readonly checkIntervalMs?: number;
  readonly leader: Pick<LeaderElector, 'isLeader' | 'onChange'>;
  /** Each new pair, on every replica: the HTTPS server switches to it (and reports its expiry). */
  readonly onCertificate: (certificate: ServingCertificate) => void;
  readonly log: ClusterLog;
  readonly watchTimeoutSeconds?: number;
}

export interface CertificateManager {
  current(): ServingCertificate | undefined;
  /** Seconds until the served certificate expires: the value of stateguard_certificate_expiry_seconds. */
  expirySeconds(): number | undefined;
  /** On the leader: create or advance the Secret's rotation and set the caBundles. Elsewhere: nothing. */
  reconcile(): Promise<void>;
  stop(): Promise<void>;
}

const KEYS = { cert: 'tls.crt', key: 'tls.key', caBundle: 'ca.crt', nextCert: 'next.crt', nextKey: 'next.key' } as const;
/** create, stage, promote, prune: no Secret needs more steps in one go. */
const MAX_STEPS = 4;

export function startCertificateManager(kube: Kube, options: CertificateOptions): CertificateManager {
  const { namespace, secretName: name, log } = options;
  const policy = { dnsNames: options.dnsNames, validityMs: options.validityMs, switchDelayMs: options.switchDelayMs ?? 30_000 };
  let served: ServingCertificate | undefined;

  const secret = watchCollection(kube, `/api/v1/namespaces/${namespace}/secrets`, {
    log, fieldSelector: `metadata.name=${name}`, ...(options.watchTimeoutSeconds === undefined ? {} : { watchTimeoutSeconds: options.watchTimeoutSeconds }),
  });
  const deliver = (object: JsonObject): void => {
    const data = decode(object['data']);
    if (data === undefined || (data.cert === served?.cert && data.key === served.key && data.caBundle === served.caBundle)) return;
    let notAfter: Date;
    try {
      notAfter = new X509Certificate(data.cert).validToDate;
    } catch (error) {
      log.warn({ [LOG_KEYS.object]: `${namespace}/${name}`, [LOG_KEYS.err]: String(error) }, 'the Secret holds no readable certificate; the leader replaces it');
      return;
    }
    served = { cert: data.cert, key: data.key, caBundle: data.caBundle, notAfter };
    log.info({ [LOG_KEYS.object]: `${namespace}/${name}`, [LOG_KEYS.expires]: served.notAfter.toISOString() }, 'serving certificate loaded from the Secret');
    options.onCertificate(served);
  };
  secret.on('add', deliver);
  secret.on('update', deliver);
  secret.start();

  const reconcileOnce = async (): Promise<void> => {
    if (!options.leader.isLeader()) return;
    let stored: V1Secret | undefined;
    try {
      stored = await kube.core.readNamespacedSecret({ name, namespace });
    } catch (error) {
      if (httpStatus(error) !== 404) throw clusterError(kube.server, `cannot read the Secret ${namespace}/${name}`, error);
    }
    let data = decode(stored?.data);
    let resourceVersion = stored?.metadata?.resourceVersion;
    const trustBundle = async (bundle: string): Promise<void> => {
      const changed = await patchCaBundles(kube, options.webhookNames, bundle, log);
      if (changed.length > 0) log.info({ [LOG_KEYS.object]: changed.join(', ') }, 'caBundle updated');
    };
    for (let steps = 0; steps <= MAX_STEPS; steps++) {
      // Before any step, the webhooks trust what the Secret says: a promote never serves a CA they lack.
      if (data !== undefined) await trustBundle(data.caBundle);
      const next = await rotate(data, new Date(), policy);
      if (next === undefined) return;
      const body: V1Secret = { metadata: { name, namespace, labels: { 'app.kubernetes.io/name': 'stateguard' }, ...(resourceVersion === undefined ? {} : { resourceVersion }) }, type: 'kubernetes.io/tls', data: encode(next.data) };
      try {
        const written = resourceVersion === undefined ? await kube.core.createNamespacedSecret({ namespace, body }) : await kube.core.replaceNamespacedSecret({ name, namespace, body });
        resourceVersion = written.metadata?.resourceVersion;
      } catch (error) {
        throw clusterError(kube.server, `cannot write the Secret ${namespace}/${name} (${next.step})`, error);
      }
      data = next.data;
      log.info({ [LOG_KEYS.object]: `${namespace}/${name}` }, `serving certificate: ${next.step}`);
    }
  };

  let running: Promise<void> = Promise.resolve();
  const reconcile = (): Promise<void> => {
    running = running.catch(() => undefined).then(reconcileOnce);
    return running;
  };
  const reconcileLogged = (): void => {
    reconcile().catch((error: unknown) => log.warn({ [LOG_KEYS.err]: describeFailure(error) }, 'certificate reconcile failed; retrying at the next check'));
  };
  const interval = setInterval(reconcileLogged, options.checkIntervalMs ?? 60_000).unref();
  const unsubscribe = options.leader.onChange((leader) => { if (leader) reconcileLogged(); });
  if (options.leader.isLeader()) reconcileLogged();

  return {
    current: () => served,
    expirySeconds: () => (served === undefined ? undefined : (served.notAfter.getTime() - Date.now()) / 1000),
    reconcile,
    async stop() {
      clearInterval(interval);
      unsubscribe();
      await running.catch(() => undefined);
      await secret.stop();
    },
  };
}

function decode(data: unknown): CertificateData | undefined {
  if (typeof data !== 'object' || data === null) return undefined;
  const values = data as Record<string, string | undefined>;
  const read = (key: string): string | undefined => (values[key] === undefined ? undefined : Buffer.from(values[key], 'base64').toString('utf8'));
  const [cert, key, caBundle, nextCert, nextKey] = [read(KEYS.cert), read(KEYS.key), read(KEYS.caBundle), read(KEYS.nextCert), read(KEYS.nextKey)];
  if (cert === undefined || key === undefined || caBundle === undefined) return undefined;
  return { cert, key, caBundle, ...(nextCert === undefined ? {} : { nextCert }), ...(nextKey === undefined ? {} : { nextKey }) };
}

function encode(data: CertificateData): Record<string, string> {
  return Object.fromEntries(Object.entries(KEYS).flatMap(([field, key]) => {
    const value = data[field as keyof CertificateData];
    return value === undefined ? [] : [[key, Buffer.from(value).toString('base64')]];
  }));
}
