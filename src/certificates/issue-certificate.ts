/** A fresh CA and a serving certificate it signs. The CA's key is discarded: that CA can never sign anything else. */
import { randomBytes } from 'node:crypto';
import { isIP } from 'node:net';
import { generate } from 'selfsigned';

export interface IssuedCertificate {
  /** The CA certificate: what clients (the webhooks' caBundle) trust. */
  readonly caCert: string;
  readonly cert: string;
  readonly key: string;
}

export interface IssueOptions {
  readonly dnsNames: readonly string[];
  readonly notBefore: Date;
  readonly validityMs: number;
}

export async function issueCertificate(options: IssueOptions): Promise<IssuedCertificate> {
  const notBeforeDate = options.notBefore;
  const notAfterDate = new Date(notBeforeDate.getTime() + options.validityMs);
  // EC P-256: generated in milliseconds, where RSA keys would slow down every start and rotation.
  const common = { keyType: 'ec', curve: 'P-256', algorithm: 'sha256', notBeforeDate, notAfterDate } as const;
  // A name of its own per CA: with old and new CA in one bundle during a rotation, OpenSSL picks the issuer by name.
  const ca = await generate([{ name: 'commonName', value: `stateguard CA ${notBeforeDate.toISOString()} ${randomBytes(4).toString('hex')}` }], {
    ...common,
    extensions: [
      { name: 'basicConstraints', cA: true, pathLenConstraint: 0, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    ],
  });
  const serving = await generate([{ name: 'commonName', value: options.dnsNames[0] ?? 'stateguard' }], {
    ...common,
    ca: { key: ca.private, cert: ca.cert },
    extensions: [
      { name: 'basicConstraints', cA: false, critical: true },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames: options.dnsNames.map((name) => (isIP(name) === 0 ? { type: 2, value: name } : { type: 7, ip: name })) },
    ],
  });
  return { caCert: ca.cert, cert: serving.cert, key: serving.private };
}
