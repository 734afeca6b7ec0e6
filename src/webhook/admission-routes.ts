/**
 * POST /validate and POST /mutate. Every request ends in exactly one log line: the info decision line, or one
 * warning naming what is wrong with a bad request (an error line for a fault of the server).
 */
import type { FastifyError, FastifyPluginCallback, FastifyReply, FastifyRequest } from 'fastify';
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import type { Logger } from 'pino';
import { admitParsed, parseReview, problem, serializeReviewResponse, WEBHOOKS, type AdmissionContext, type ParsedRequest, type Problem, type Webhook } from '../admission/index.ts';
import { chargeOf, createBodyBudget, QUEUE_WAIT_MS, type Release } from './body-budget.ts';
import { decisionWriter } from './decision-line.ts';
import { DECISION_MESSAGE } from './decision-record.ts';
import { asksForExemptions, withExemptionGrant } from './exemption-grant.ts';
import { admitPolicyResource } from './policy-resource-admission.ts';
import { LOG_KEYS } from '../logging/log-keys.ts';
import type { Metrics } from '../metrics/metrics.ts';
import { logProblem, problemBody, problemOfError, prototypeKeyError } from './problem-of-error.ts';

export interface AdmissionRoutesOptions {
  /** The policies in force now (a reload swaps them). */
  readonly context: () => AdmissionContext;
  readonly metrics: Metrics;
  readonly logger: Logger;
  readonly bodyLimitBytes: number;
  /** The request-body bytes read, parsed and evaluated at once (body-budget.ts). */
  readonly bodyBudgetBytes: number;
  /** Whether the server hung up on this connection (a slow client), which it logged already. */
  readonly hungUp: (socket: Socket) => boolean;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** performance.now() when the request arrived: durations include receiving and parsing the body. */
    receivedAt: number;
  }
}

export const admissionRoutes: FastifyPluginCallback<AdmissionRoutesOptions> = (app, options, done) => {
  const { context, metrics, bodyLimitBytes, bodyBudgetBytes } = options;
  const budget = createBodyBudget(bodyBudgetBytes);
  app.decorateRequest('receivedAt', 0);
  const elapsedMs = (request: FastifyRequest): number => performance.now() - request.receivedAt;
  const loggers = Object.fromEntries(WEBHOOKS.map((webhook) => [webhook, options.logger.child({ [LOG_KEYS.webhook]: webhook })])) as Record<Webhook, Logger>;
  const logDecision = Object.fromEntries(WEBHOOKS.map((webhook) => [webhook, decisionWriter(loggers[webhook])])) as Record<Webhook, ReturnType<typeof decisionWriter>>;

  const reject = (webhook: Webhook, found: Problem, request: FastifyRequest, reply: FastifyReply): FastifyReply => {
    logProblem(loggers[webhook], found);
    metrics.observeRejected(webhook, 'invalid', elapsedMs(request) / 1000);
    return reply.code(found.status).send(problemBody(found));
  };
  const holdUntilAnswered = (reply: FastifyReply, release: Release): void => {
    if (reply.raw.closed) release();
    else reply.raw.once('close', release);
  };

  // Memory is bounded by design: a body is charged to the budget from its headers until its response is done, before
  // a byte of it is read. One that finds no room in time is read and discarded (bounded by server.requestTimeoutMs,
  // held in no buffer), then answered 429: the connection stays usable. Whether `answered` (429) or not.
  const waitForRoom = async (bytes: number, request: FastifyRequest, reply: FastifyReply): Promise<boolean> => {
    const release = await budget.acquire(bytes);
    if (release !== undefined) {
      holdUntilAnswered(reply, release);
      return false;
    }
    const found = problem('ERR_BUSY', `the server is reading other large bodies (server.bodyBudgetBytes: ${bodyBudgetBytes} bytes at once) and this body of ${bytes} bytes found no room within ${QUEUE_WAIT_MS} ms; retry later`);
    await discardRest(request.raw);
    void reply.header('retry-after', '1');
    reject(webhookOf(request), found, request, reply);
    return true;
  };
  // One callback hook, no promise, for the common case of a body that fits at once (a promise per request is
  // measurable at saturation).
  app.addHook('onRequest', (request, reply, next) => {
    request.receivedAt = performance.now();
    const bytes = chargeOf(request.headers, bodyLimitBytes);
    const now = bytes === 0 ? undefined : budget.tryTake(bytes);
    if (bytes === 0 || now !== undefined) {
      if (now !== undefined) holdUntilAnswered(reply, now);
      next();
      return;
    }
    waitForRoom(bytes, request, reply).then((answered) => {
      if (!answered) next();
    }, next);
  });

  // Admission speaks JSON only: without this, fastify would also accept text/plain.
  app.removeContentTypeParser('text/plain');
  // fastify's JSON parser scans every body with two regular expressions after parsing it, for prototype poisoning.
  // A body that contains neither key nor any \u escape (which could spell one) cannot poison anything, so it goes
  // straight to JSON.parse; any other body still takes fastify's checked parser. Valid JSON that the checked parser
  // refuses has a poisoning key, and gets its own problem (fastify reports both as invalid JSON).
  const checkedJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, parsed) => {
    const text = body as string;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      return checkedJson(request, text, parsed);
    }
    if (!MAY_SPELL_A_PROTOTYPE_KEY.test(text)) return parsed(null, value);
    checkedJson(request, text, (error, checked) => parsed(error === null ? null : prototypeKeyError(), checked));
  });

  app.setErrorHandler<FastifyError>(async (error, request, reply) => {
    const webhook = webhookOf(request);
    if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      // A client that sends its whole body before it reads would be reset by an answer while it still sends, and
      // lose the 413: read the rest and discard it first (bounded by server.requestTimeoutMs), then answer and close.
      await discardRest(request.raw);
      void reply.header('connection', 'close');
    }
    if (request.raw.aborted) {
      // The connection closed before the body arrived: nobody to answer. When the server hung up on a slow client, it logged that already.
      const found = problem('ERR_CLIENT_CLOSED', 'the client closed the connection before it sent the whole request');
      return options.hungUp(request.raw.socket) ? reply.code(found.status).send() : reject(webhook, found, request, reply);
    }
    const found = problemOfError(error, request.headers['content-type'], bodyLimitBytes);
    if (found !== undefined) return reject(webhook, found, request, reply);
    loggers[webhook].error({ [LOG_KEYS.err]: error }, 'admission request failed');
    metrics.observeRejected(webhook, 'error', elapsedMs(request) / 1000);
    return reply.code(500).send({ statusCode: 500, error: 'Internal Server Error', message: 'stateguard failed to evaluate the request; see its log' });
  });

  const answer = (webhook: Webhook, parsed: ParsedRequest, current: AdmissionContext, request: FastifyRequest, reply: FastifyReply): void => {
    const admission = admitParsed(webhook, parsed, current);
    if (!admission.ok) {
      reject(webhook, admission.problem, request, reply);
      return;
    }
    const { outcome } = admission;
    const durationMs = elapsedMs(request);
    logDecision[webhook](outcome, durationMs);
    metrics.observeDecision(webhook, outcome, durationMs / 1000);
    // Written by a serializer for this one shape (the bytes JSON.stringify makes, see serialize-response.ts), with the
    // content type fastify gives a serialized object.
    void reply.type(JSON_CONTENT_TYPE).send(serializeReviewResponse(outcome.response));
  };
  for (const webhook of WEBHOOKS) {
    // Synchronous unless the object claims an exemption: only then is there I/O to wait for (SubjectAccessReviews,
    // cached briefly: see exemption-grant.ts), and only then a promise.
    app.post(`/${webhook}`, (request, reply) => {
      const parsed = parseReview(request.body);
      // stateguard's own StatefulSetPolicy resources: refused when they would not compile.
      const resource = webhook === 'validate' && parsed.ok ? admitPolicyResource(request.body, parsed.review) : undefined;
      if (resource !== undefined) {
        loggers[webhook].info({ ...resource.record, [LOG_KEYS.durationMs]: Math.round(elapsedMs(request) * 100) / 100 }, DECISION_MESSAGE);
        return reply.send(resource.response);
      }
      const current = context();
      if (!parsed.ok || !asksForExemptions(parsed.review, current)) return answer(webhook, parsed, current, request, reply);
      return withExemptionGrant(parsed.review, current).then((granted) => answer(webhook, parsed, granted, request, reply));
    });
  }
  done();
};

/** Either key fastify's checked parser looks for, or a \u escape that could spell one: one scan of the body for all three. */
const MAY_SPELL_A_PROTOTYPE_KEY = /__proto__|constructor|\\u/;

/** What fastify sends with an object it serializes itself. */
const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

function discardRest(body: IncomingMessage): Promise<void> {
  if (body.complete || body.destroyed) return Promise.resolve();
  const { promise, resolve } = Promise.withResolvers<void>();
  body.once('end', resolve).once('close', resolve).resume();
  return promise;
}

function webhookOf(request: FastifyRequest): Webhook {
  return request.routeOptions.url === '/mutate' ? 'mutate' : 'validate';
}
