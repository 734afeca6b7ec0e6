import { request } from 'node:https';

export interface HttpsResponse {
  status: number;
  body: string;
}

/** GET with a bearer token, trusting only `caPem`; bounded by `timeoutMs`. */
export function httpsGet(url: string, options: { caPem: string; token: string; timeoutMs: number }): Promise<HttpsResponse> {
  return new Promise((resolve, reject) => {
    const req = request(url, { ca: options.caPem, headers: { authorization: `Bearer ${options.token}` }, timeout: options.timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`GET ${url} timed out after ${options.timeoutMs}ms`)));
    req.on('error', reject);
    req.end();
  });
}
