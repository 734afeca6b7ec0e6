/** The admission app: HTTPS only (TLS 1.2+), bounded bodies and request times, and the two webhook routes. */
import Fastify, { type FastifyInstance } from 'fastify';
import type { Server } from 'node:https';
import type { Socket } from 'node:net';
import type { Logger } from 'pino';
import { problem, type AdmissionContext } from '../admission/index.ts';
import type { ServerConfig } from '../config/config.ts';
import { admissionRoutes } from './admission-routes.ts';
import type { Metrics } from '../metrics/metrics.ts';
import { logProblem, problemBody } from './problem-of-error.ts';
import { secureContextOptions, type TlsMaterial } from '../certificates/tls-material.ts';

export interface AdmissionAppOptions {
  readonly server: ServerConfig;
  readonly tls: TlsMaterial;
  readonly context: () => AdmissionContext;
  readonly metrics: Metrics;
  readonly logger: Logger;
  /** True from the start of shutdown: every response then says `Connection: close`. */
  readonly draining: () => boolean;
}

export type AdmissionApp = FastifyInstance<Server>;

export function buildAdmissionApp(options: AdmissionAppOptions): AdmissionApp {
  const { server, tls, logger } = Object.freeze({ ...options });
  const hungUp = new WeakSet<Socket>();
  const app = Fastify({
    // Our own log lines only: exactly one per request (admission-routes.ts), none from fastify per request.
    logger: false,
    bodyLimit: server.bodyLimitBytes,
    requestTimeout: server.requestTimeoutMs,
    // A request that reaches the server while it shuts down is still served: a 503 would fail the API request.
    return503OnClosing: false,
    forceCloseConnections: 'idle',
    clientErrorHandler: (error, socket) => {
      // Malformed HTTP, or a client too slow to send its request within requestTimeoutMs: one line, then hang up.
      if (socket.destroyed || error.code === 'ECONNRESET') return;
      const timedOut = error.code === 'ERR_HTTP_REQUEST_TIMEOUT';
      const found = timedOut
        ? problem('ERR_REQUEST_TIMEOUT', `the request was not received within ${server.requestTimeoutMs} ms (server.requestTimeoutMs)`)
        : problem('ERR_BAD_REQUEST', `malformed HTTP request: ${error.message}`);
      hungUp.add(socket);
      logProblem(logger, found);
      const body = problemBody(found);
      const text = JSON.stringify(body);
      if (socket.writable) socket.end(`HTTP/1.1 ${found.status} ${body.error}\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(text)}\r\n\r\n${text}`);
      socket.destroy();
    },
    https: {
      ...secureContextOptions(tls),
      minVersion: 'TLSv1.2',
      ...(tls.clientCa === undefined ? {} : { requestCert: true, rejectUnauthorized: true }),
      // A client that connects and never completes the handshake is dropped as one that never sends its request.
      handshakeTimeout: server.requestTimeoutMs,
      // Node enforces requestTimeout only while headersTimeout (default 60 s) is not longer than it.
      headersTimeout: server.requestTimeoutMs,
      // Node checks both timeouts on this interval (default 30 s): often enough to honour them.
      connectionsCheckingInterval: Math.min(Math.max(Math.floor(server.requestTimeoutMs / 4), 100), 5_000),
    },
  }) as unknown as AdmissionApp;
  app.server.maxConnections = server.maxConnections;

  // From the start of shutdown every response says `Connection: close`: each keep-alive connection ends after its
  // next answer, so the client reconnects (to another replica once this one has left the endpoints).
  const { draining } = options;
  app.addHook('onSend', (_request, reply, payload, done) => {
    if (draining()) reply.header('connection', 'close');
    done(null, payload);
  });

  app.setNotFoundHandler((request, reply) => {
    const found = problem('ERR_NOT_FOUND', `no route ${request.method} ${request.url}: admission is POST /validate and POST /mutate; health and metrics are on the metrics port`);
    logProblem(logger, found);
    return reply.code(found.status).send(problemBody(found));
  });
  app.register(admissionRoutes, { context: options.context, metrics: options.metrics, logger, bodyLimitBytes: server.bodyLimitBytes, bodyBudgetBytes: server.bodyBudgetBytes, hungUp: (socket) => hungUp.has(socket) });
  return app;
}
