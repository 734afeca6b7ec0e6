/**
 * The decision line written straight to the logger's stream: the bytes pino writes for
 * `logger.info(decisionRecord(outcome, ms), DECISION_MESSAGE)`, built from typed fields instead of pino's generic walk
 * of a record object (key loop, redaction lookups, a JSON.stringify per value): that walk was about two thirds of the
 * line's cost, on every admission request. The level prefix, time, bindings and line end still come from the logger
 * (pino.symbols), so the line carries what every other line of the logger carries.
 *
 * A logger this cannot match byte for byte (a log formatter, mixin, nested key, message prefix, stream write hook or
 * a stream that wants metadata) gets the record through `logger.info` as before.
 * test/webhook/writes-decision-lines-as-pino-does.test.ts compares the two for every decision shape.
 */
import { pino, type Logger } from 'pino';
import { exceptionUses, type AdmissionOutcome } from '../admission/index.ts';
import { LOG_KEYS } from '../logging/log-keys.ts';
import { DECISION_MESSAGE, decisionRecord } from './decision-record.ts';

const S = pino.symbols;
/** In pino's symbols, not in its type declarations. */
const MSG_PREFIX = (S as unknown as Record<string, symbol | undefined>)['msgPrefixSym'];
const INFO = 30;

export type DecisionWriter = (outcome: AdmissionOutcome, durationMs: number) => void;

interface PinoInternals {
  readonly [key: symbol]: unknown;
}

/** Writes each decision as one info line of `logger` (nothing when info is off). */
export function decisionWriter(logger: Logger): DecisionWriter {
  const internals = logger as unknown as PinoInternals;
  if (!matchesPinoLine(internals)) return (outcome, durationMs) => logger.info(decisionRecord(outcome, durationMs), DECISION_MESSAGE);
  const prefix = (internals[S.lsCacheSym] as Record<number, string>)[INFO] ?? '';
  const time = internals[S.timeSym] as () => string;
  const end = internals[S.endSym] as string;
  const suffix = `,"msg":${asString(DECISION_MESSAGE)}${end}`;
  return (outcome, durationMs) => {
    if (!logger.isLevelEnabled('info')) return;
    const stream = internals[S.streamSym] as { write(line: string): unknown };
    stream.write(prefix + time() + (internals[S.chindingsSym] as string) + decisionFields(outcome, durationMs) + suffix);
  };
}

/** Whether pino would write the record's fields as they are: no hook, formatter or key change in between. */
function matchesPinoLine(internals: PinoInternals): boolean {
  const formatters = internals[S.formattersSym] as { log?: unknown } | undefined;
  const hooks = internals[S.hooksSym] as { logMethod?: unknown; streamWrite?: unknown } | undefined;
  const stream = internals[S.streamSym] as Record<symbol, unknown> | undefined;
  return typeof internals[S.timeSym] === 'function' && typeof internals[S.chindingsSym] === 'string'
    && formatters?.log === undefined && hooks?.logMethod === undefined && hooks?.streamWrite === undefined
    && internals[S.mixinSym] === undefined && (internals[S.nestedKeySym] ?? undefined) === undefined && (MSG_PREFIX === undefined || internals[MSG_PREFIX] === undefined)
    && internals[S.messageKeySym] === 'msg' && stream !== undefined && stream[S.needsMetadataGsym] !== true
    && noneForDecisionKeys(internals[S.serializersSym]) && noneForDecisionKeys(internals[S.stringifiersSym])
    && (internals[S.stringifiersSym] as Record<symbol, unknown> | undefined)?.[S.wildcardFirstSym] === undefined;
}

/** No serializer or redaction of its own for any key of the decision record. */
function noneForDecisionKeys(byKey: unknown): boolean {
  return typeof byKey === 'object' && byKey !== null && Object.keys(byKey).every((key) => !DECISION_KEYS.has(key));
}

/** The keys of the decision record (decision-record.ts). */
const DECISION_KEYS: ReadonlySet<string> = new Set(['uid', 'object', 'kind', 'operation', 'user', 'dryRun', 'decision', 'findings', 'mutated', 'refused', 'exempted', 'excepted', 'durationMs'].map((key) => LOG_KEYS[key as keyof typeof LOG_KEYS]));

/** The record's fields in decisionRecord's order, each as pino serializes it (a field that is undefined is left out). */
function decisionFields(outcome: AdmissionOutcome, durationMs: number): string {
  const { review } = outcome;
  let line = `,"${LOG_KEYS.uid}":${asString(review.uid)}`
    + `,"${LOG_KEYS.object}":${asString(`${review.namespace ?? ''}/${review.name ?? ''}`)}`
    + `,"${LOG_KEYS.kind}":${asString(review.target === 'none' ? review.received : review.target)}`
    + `,"${LOG_KEYS.operation}":${asString(review.operation)}`;
  const user = review.userInfo?.username;
  if (user !== undefined) line += `,"${LOG_KEYS.user}":${asString(user)}`;
  line += `,"${LOG_KEYS.dryRun}":${review.dryRun ? 'true' : 'false'}`
    + `,"${LOG_KEYS.decision}":${asString(outcome.decision)}`
    + `,"${LOG_KEYS.findings}":${JSON.stringify(outcome.findings)}`
    + `,"${LOG_KEYS.mutated}":${JSON.stringify(outcome.mutators)}`;
  if (outcome.refused !== undefined) line += `,"${LOG_KEYS.refused}":${asString(outcome.refused)}`;
  let exempted: string[] | undefined;
  for (const result of outcome.results) if (result.skip?.cause === 'exempted') (exempted ??= []).push(result.policy);
  if (exempted !== undefined) line += `,"${LOG_KEYS.exempted}":${JSON.stringify(exempted)}`;
  const excepted = exceptionUses(outcome.results);
  if (excepted.length > 0) line += `,"${LOG_KEYS.excepted}":${JSON.stringify(excepted)}`;
  const rounded = Math.round(durationMs * 100) / 100;
  return `${line},"${LOG_KEYS.durationMs}":${Number.isFinite(rounded) ? String(rounded) : 'null'}`;
}

/** pino 10 writes strings with JSON.stringify from Node 25 on, by hand before that. */
const NODE_MAJOR = Number(process.versions.node.split('.')[0]);

/**
 * A string as pino 10 writes it: on Node 24, escaped by hand when it is at most 100 characters with no control
 * character (so a lone surrogate stays as it is), by JSON.stringify otherwise.
 */
export function asString(text: string): string {
  return NODE_MAJOR >= 25 ? JSON.stringify(text) : escapedByHand(text);
}

function escapedByHand(text: string): string {
  if (text.length > 100) return JSON.stringify(text);
  let escaped = '';
  let last = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 32) return JSON.stringify(text);
    if (code === 34 || code === 92) {
      escaped += `${text.slice(last, i)}\\`;
      last = i;
    }
  }
  return `"${last === 0 && escaped === '' ? text : escaped + text.slice(last)}"`;
}
