/** Plain HTTP on its own port, for the kubelet and Prometheus: /healthz, /readyz, /metrics. */
import Fastify, { type FastifyInstance } from 'fastify';
import type { Metrics } from '../metrics/metrics.ts';

export interface HealthAppOptions {
  /** False before the first policies are in force and from the moment shutdown begins. */
  readonly ready: () => boolean;
  readonly metrics: Metrics;
}

export function buildHealthApp(options: HealthAppOptions): FastifyInstance {
  const { ready, metrics } = Object.freeze({ ...options });
  const app = Fastify({ logger: false, forceCloseConnections: true });
  app.get('/healthz', (_request, reply) => reply.type('text/plain').send('ok'));
  app.get('/readyz', (_request, reply) => (ready() ? reply.type('text/plain').send('ok') : reply.code(503).type('text/plain').send('not ready')));
  app.get('/metrics', async (_request, reply) => reply.type(metrics.registry.contentType).send(await metrics.registry.metrics()));
  return app;
}
