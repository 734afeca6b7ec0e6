/** The closed-loop load generator, run in its own process: autocannon against one URL with the given bodies; prints JSON. */
import autocannon from 'autocannon';
import { readFileSync } from 'node:fs';

interface LoadSpec {
  readonly url: string;
  readonly bodiesFile: string;
  readonly connections: number;
  readonly durationSeconds?: number;
  readonly amount?: number;
}

const spec = JSON.parse(process.argv[2] ?? '{}') as LoadSpec;
const bodies = JSON.parse(readFileSync(spec.bodiesFile, 'utf8')) as string[];
const result = await autocannon({
  url: spec.url,
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  connections: spec.connections,
  pipelining: 1,
  ...(spec.amount === undefined ? { duration: spec.durationSeconds ?? 10 } : { amount: spec.amount }),
  requests: bodies.map((body) => ({ body })),
});
process.stdout.write(JSON.stringify({
  requests: result.requests.total,
  rps: result.requests.average,
  errors: result.errors + result.timeouts + result.non2xx,
  latencyMs: { p50: result.latency.p50, p99: result.latency.p99, p999: result.latency.p99_9, max: result.latency.max },
  seconds: result.duration,
}) + '\n');
