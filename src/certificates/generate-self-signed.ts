/** A throw-away CA and a serving certificate it signs, for running without certificate files. */
import { issueCertificate } from './issue-certificate.ts';
import type { TlsMaterial } from './tls-material.ts';

export interface SelfSigned extends TlsMaterial {
  /** The CA certificate: what clients (the API server's caBundle, curl --cacert) must trust. */
  readonly caCert: string;
}

const VALIDITY_MS = 365 * 86_400_000;

export async function generateSelfSigned(dnsNames: readonly string[]): Promise<SelfSigned> {
  const { cert, key, caCert } = await issueCertificate({ dnsNames, notBefore: new Date(), validityMs: VALIDITY_MS });
  return { cert, key, caCert };
}
