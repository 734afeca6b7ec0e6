/** A throw-away CA and a serving certificate it signs, for running without certificate files. */
import { randomBytes } from 'node:crypto';
import { isIP } from 'node:net';
import { generate } from 'selfsigned';
import type { TlsMaterial } from './tls-material.ts';

export interface SelfSigned extends TlsMaterial {
  /** The CA certificate: what clients (the API server's caBundle, curl --cacert) must trust. */
  readonly caCert: string;
}

const VALIDITY_DAYS = 365;

export async function generateSelfSigned(dnsNames: readonly string[]): Promise<SelfSigned> {
  const notBeforeDate = new Date();
  const notAfterDate = new Date(notBeforeDate.getTime() + VALIDITY_DAYS * 86_400_000);
  // EC P-256: generated in milliseconds, where RSA keys would slow down every start.
  const common = { keyType: 'ec', curve: 'P-256', algorithm: 'sha256', notBeforeDate, notAfterDate } as const;
  // A name of its own per CA: with old and new CA in one bundle during a rotation, OpenSSL picks the issuer by name.
  const ca = await generate([{ name: 'commonName', value: `stateguard self-signed CA ${randomBytes(4).toString('hex')}` }], {
    ...common,
    extensions: [
      { name: 'basicConstraints', cA: true, pathLenConstraint: 0, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    ],
  });
  const serving = await generate([{ name: 'commonName', value: dnsNames[0] ?? 'stateguard' }], {
    ...common,
    ca: { key: ca.private, cert: ca.cert },
    extensions: [
      { name: 'basicConstraints', cA: false, critical: true },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames: dnsNames.map((name) => (isIP(name) === 0 ? { type: 2, value: name } : { type: 7, ip: name })) },
    ],
  });
  return { cert: serving.cert, key: serving.private, caCert: ca.cert };
}
