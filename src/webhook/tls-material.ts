/** PEM material the HTTPS listener serves with, and what a TLS context is built from. */
import { X509Certificate } from 'node:crypto';
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

/** Throws ERR_TLS unless the material makes a usable context (parsable PEM, key matching the certificate). */
export function checkTlsMaterial(material: TlsMaterial, source: string): void {
  try {
    createSecureContext(secureContextOptions(material));
  } catch (error) {
    throw new StateguardError('ERR_TLS', `${source}: unusable TLS material: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}

/** When the first certificate of a PEM bundle expires. */
export function certificateExpiry(pem: string): Date {
  return new X509Certificate(pem).validToDate;
}
