/**
 * What the HTTPS listener starts with: the configured certificate files; else the first pair of a certificate feed
 * (self-managed certificates in a cluster); else a fresh self-signed pair.
 */
import type { ServerConfig } from '../config/config.ts';
import { firstCertificate, type CertificateFeed } from '../certificates/certificate-feed.ts';
import { readPem, readTlsFiles, type TlsFiles } from '../certificates/read-tls-files.ts';
import { generateSelfSigned } from '../certificates/generate-self-signed.ts';
import { checkTlsMaterial, type TlsMaterial } from '../certificates/tls-material.ts';

export type InitialTls =
  | { readonly source: 'files'; readonly material: TlsMaterial; readonly files: TlsFiles }
  | { readonly source: 'self-managed'; readonly material: TlsMaterial; readonly caCert: string; readonly feed: CertificateFeed }
  | { readonly source: 'self-signed'; readonly material: TlsMaterial; readonly caCert: string };

/** `signal` aborts the wait for a feed's first pair. */
export async function loadTls(server: ServerConfig, feed?: CertificateFeed, signal?: AbortSignal): Promise<InitialTls> {
  if (server.tlsCert !== undefined && server.tlsKey !== undefined) {
    const files = { cert: server.tlsCert, key: server.tlsKey, ...(server.clientCa === undefined ? {} : { clientCa: server.clientCa }) };
    return { source: 'files', material: readTlsFiles(files), files };
  }
  if (feed !== undefined) {
    const { cert, key, caBundle } = await firstCertificate(feed, signal);
    checkTlsMaterial({ cert, key }, 'the first self-managed certificate');
    return { source: 'self-managed', material: withClientCa({ cert, key }, server.clientCa), caCert: caBundle, feed };
  }
  const { caCert, cert, key } = await generateSelfSigned(server.dnsNames);
  return { source: 'self-signed', material: withClientCa({ cert, key }, server.clientCa), caCert };
}

/** Only certificate files are watched for changes; otherwise the client CA is read once. */
function withClientCa(pair: { cert: string; key: string }, clientCa: string | undefined): TlsMaterial {
  if (clientCa === undefined) return pair;
  const material = { ...pair, clientCa: readPem(clientCa, 'client CA') };
  checkTlsMaterial(material, clientCa);
  return material;
}
