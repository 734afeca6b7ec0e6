/**
 * The physical limit for a Node webhook on this machine: a bare `https` server that parses the AdmissionReview and
 * answers a fixed `allowed: true`. Started as a child process by bench/run.ts; prints its port on stderr when listening.
 */
import { createServer } from 'node:https';
import { generate } from 'selfsigned';

// The same key type as stateguard's own self-signed certificate (EC P-256), so TLS costs the same on both sides.
const pems = await generate([{ name: 'commonName', value: '127.0.0.1' }], { keyType: 'ec', curve: 'P-256', algorithm: 'sha256', extensions: [{ name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }] }] });
const server = createServer({ key: pems.private, cert: pems.cert, minVersion: 'TLSv1.2', keepAlive: true }, (req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    const review = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { request?: { uid?: string } };
    const body = JSON.stringify({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', response: { uid: review.request?.uid ?? '', allowed: true } });
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  });
});
server.keepAliveTimeout = 120_000;
server.listen(Number(process.argv[2] ?? 0), '127.0.0.1', () => {
  const address = server.address();
  process.stderr.write(`${typeof address === 'object' && address !== null ? address.port : 0}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
