/** A small HTTPS client for the real server: trusts only the given CA, bounded by a timeout. */
import { request, type Agent } from 'node:https';
import type { TLSSocket } from 'node:tls';

export interface HttpsResult {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly text: string;
  readonly json: unknown;
  /** SHA-256 fingerprint of the certificate the server presented. */
  readonly certificate: string;
}

export interface PostOptions {
  readonly ca: string | string[];
  readonly headers?: Record<string, string>;
  readonly agent?: Agent;
  readonly timeoutMs?: number;
  readonly cert?: string;
  readonly key?: string;
}

/** A failed request, saying whether the TLS handshake was ever completed (whether the server accepted it). */
export type RequestError = Error & { secured: boolean };

export function post(url: string, body: string | object, options: PostOptions): Promise<HttpsResult> {
  const payload = typeof body === 'string' ? body : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    let secured = false;
    const req = request(url, {
      method: 'POST',
      ca: options.ca,
      agent: options.agent ?? false,
      ...(options.cert === undefined ? {} : { cert: options.cert, key: options.key }),
      headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload), ...options.headers },
      timeout: options.timeoutMs ?? 10_000,
    }, (res) => {
      const certificate = (res.socket as TLSSocket).getPeerCertificate().fingerprint256;
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json: unknown;
        try { json = JSON.parse(text); } catch { json = undefined; }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json, certificate });
      });
      res.on('error', reject);
    });
    // A kept-alive socket was secured by an earlier request (and a listener on it would pile up, one per request).
    req.on('socket', (socket) => {
      if (req.reusedSocket) secured = true;
      else socket.once('secureConnect', () => { secured = true; });
    });
    req.on('timeout', () => req.destroy(new Error(`POST ${url} timed out`)));
    req.on('error', (error) => reject(Object.assign(error, { secured })));
    req.end(payload);
  });
}

/** Plain HTTP GET (health and metrics). */
export async function get(url: string): Promise<{ status: number; text: string }> {
  const response = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  return { status: response.status, text: await response.text() };
}
