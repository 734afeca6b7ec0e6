/** What the HTTPS listener starts with: the configured certificate files, or a fresh self-signed pair. */
import type { ServerConfig } from '../config/config.ts';
import { readPem, readTlsFiles, type TlsFiles } from './read-tls-files.ts';
import { generateSelfSigned } from './generate-self-signed.ts';
import { checkTlsMaterial, type TlsMaterial } from './tls-material.ts';

export type InitialTls =
  | { readonly source: 'files'; readonly material: TlsMaterial; readonly files: TlsFiles }
  | { readonly source: 'self-signed'; readonly material: TlsMaterial; readonly caCert: string };

export async function loadTls(server: ServerConfig): Promise<InitialTls> {
  if (server.tlsCert !== undefined && server.tlsKey !== undefined) {
    const files = { cert: server.tlsCert, key: server.tlsKey, ...(server.clientCa === undefined ? {} : { clientCa: server.clientCa }) };
    return { source: 'files', material: readTlsFiles(files), files };
  }
  const { caCert, cert, key } = await generateSelfSigned(server.dnsNames);
  if (server.clientCa === undefined) return { source: 'self-signed', material: { cert, key }, caCert };
  // Only certificate files are watched for changes; with a self-signed pair, the client CA is read once.
  const material = { cert, key, clientCa: readPem(server.clientCa, 'client CA') };
  checkTlsMaterial(material, server.clientCa);
  return { source: 'self-signed', material, caCert };
}
