/**
 * The rotation protocol, as a pure step function over the Secret's contents (so any leader can resume it):
 *
 * 1. create  — no usable serving pair: a new CA and pair; the bundle is that CA.
 * 2. stage   — at 2/3 of the pair's lifetime (or when it lacks a configured DNS name): a new CA and pair go into
 *              `next.*`, and the new CA joins the bundle. Replicas keep serving the current pair.
 * 3. promote — `switchDelay` after staging, once every API server has had time to load the two-CA bundle:
 *              the staged pair becomes the served one. Replicas switch as their Secret watch delivers it.
 * 4. prune   — a CA leaves the bundle when it expires. Its pair expires at the same instant and its key was
 *              never kept, so until then it vouches only for that pair; afterwards no replica can be serving it.
 */
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { isIP } from 'node:net';
import { issueCertificate } from './issue-certificate.ts';

export interface CertificateData {
  /** The served pair (PEM). */
  readonly cert: string;
  readonly key: string;
  /** The CA certificates clients trust (PEM, one or two). */
  readonly caBundle: string;
  /** A staged pair, served after the switch delay. */
  readonly nextCert?: string;
  readonly nextKey?: string;
}

export interface RotationPolicy {
  readonly dnsNames: readonly string[];
  readonly validityMs: number;
  /** How long a new CA is trusted before any replica serves a certificate it signed. */
  readonly switchDelayMs: number;
}

export type RotationStep = 'create' | 'stage' | 'promote' | 'prune';

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/** The next step and the Secret's contents after it, or undefined when the Secret is as it should be. */
export async function rotate(data: CertificateData | undefined, now: Date, policy: RotationPolicy): Promise<{ step: RotationStep; data: CertificateData } | undefined> {
  const issue = () => issueCertificate({ dnsNames: policy.dnsNames, notBefore: now, validityMs: policy.validityMs });
  const current = data === undefined ? undefined : pair(data.cert, data.key, now);
  const staged = data?.nextCert === undefined || data.nextKey === undefined ? undefined : pair(data.nextCert, data.nextKey, now);
  if (data !== undefined && staged !== undefined && (current === undefined || now.getTime() >= staged.x509.validFromDate.getTime() + policy.switchDelayMs)) {
    return { step: 'promote', data: { cert: staged.cert, key: staged.key, caBundle: data.caBundle } };
  }
  if (data === undefined || current === undefined) {
    const issued = await issue();
    return { step: 'create', data: { cert: issued.cert, key: issued.key, caBundle: issued.caCert } };
  }
  const trusted = bundleCertificates(data.caBundle).filter((ca) => !expired(ca, now));
  const { validFromDate, validToDate } = current.x509;
  const due = now.getTime() >= validFromDate.getTime() + ((validToDate.getTime() - validFromDate.getTime()) * 2) / 3;
  if (staged === undefined && (due || !covers(current.x509, policy.dnsNames))) {
    const issued = await issue();
    return { step: 'stage', data: { cert: data.cert, key: data.key, caBundle: [...trusted, issued.caCert].join('\n'), nextCert: issued.cert, nextKey: issued.key } };
  }
  if (trusted.length < bundleCertificates(data.caBundle).length) return { step: 'prune', data: { ...data, caBundle: trusted.join('\n') } };
  return undefined;
}

export function bundleCertificates(pem: string): string[] {
  return [...pem.matchAll(PEM_CERTIFICATE)].map((match) => match[0]);
}

/** The pair, if it parses, matches, and is within its validity. */
function pair(cert: string, key: string, now: Date): { x509: X509Certificate; cert: string; key: string } | undefined {
  try {
    const x509 = new X509Certificate(cert);
    return x509.checkPrivateKey(createPrivateKey(key)) && !expired(cert, now) ? { x509, cert, key } : undefined;
  } catch {
    return undefined;
  }
}

function expired(cert: string, now: Date): boolean {
  try {
    return new X509Certificate(cert).validToDate.getTime() <= now.getTime();
  } catch {
    return true;
  }
}

function covers(cert: X509Certificate, names: readonly string[]): boolean {
  return names.every((name) => (isIP(name) === 0 ? cert.checkHost(name) : cert.checkIP(name)) !== undefined);
}
