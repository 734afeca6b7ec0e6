/** PEM material the HTTPS listener serves with, and what a TLS context is built from. */
import { createPrivateKey, X509Certificate, type KeyObject } from 'node:crypto';
import { createSecureContext, type SecureContextOptions } from 'node:tls';
import { StateguardError } from '../policy/index.ts';

export interface TlsMaterial {
  readonly cert: string;
  readonly key: string;
  /** CA bundle that client certificates must chain to; absent: clients are not asked for one. */
  readonly clientCa?: string;
}

export function secureContextOptions(material: TlsMaterial): SecureContextOptions {
  return { cert: material.cert, key: material.key, ...(material.clientCa === undefined ? {} : { ca: material.clientCa }) };
}

/**
 * Throws ERR_TLS unless the material makes a usable context: non-empty PEM, a certificate and a private key that
 * parse, the key matching the certificate, a client CA that parses. An empty string would otherwise be accepted by
 * the TLS stack, which then fails every handshake.
 */
export function checkTlsMaterial(material: TlsMaterial, source: string): void {
  const why = whyUnusable(material);
  if (why !== undefined) throw new StateguardError('ERR_TLS', `${source}: unusable TLS material: ${why}`);
}

function whyUnusable(material: TlsMaterial): string | undefined {
  if (material.cert.trim() === '') return 'the certificate is empty';
  if (material.key.trim() === '') return 'the key is empty';
  if (material.clientCa?.trim() === '') return 'the client CA is empty';
  let certificate: X509Certificate;
  let key: KeyObject;
  try {
    certificate = new X509Certificate(material.cert);
  } catch (error) {
    return `the certificate is not a PEM certificate (${messageOf(error)})`;
  }
  try {
    key = createPrivateKey(material.key);
  } catch (error) {
    return `the key is not a PEM private key (${messageOf(error)})`;
  }
  if (!certificate.checkPrivateKey(key)) return 'the key does not match the certificate';
  try {
    if (material.clientCa !== undefined) new X509Certificate(material.clientCa);
  } catch (error) {
    return `the client CA is not a PEM certificate (${messageOf(error)})`;
  }
  try {
    createSecureContext(secureContextOptions(material));
  } catch (error) {
    return messageOf(error);
  }
  return undefined;
}

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/** When the first certificate of a PEM bundle expires. */
export function certificateExpiry(pem: string): Date {
  return new X509Certificate(pem).validToDate;
}
