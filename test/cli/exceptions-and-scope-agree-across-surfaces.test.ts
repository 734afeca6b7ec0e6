/**
 * The same StatefulSetPolicyExceptions and the same match/exclude scope give the same verdict on all three surfaces,
 * StatefulSet by StatefulSet over each corpus: `stateguard review` (a real process reading the exceptions from its
 * input), the webhooks (/mutate, its patch applied, then /validate, as the API server calls them; read from the
 * decision log's findings) and the audit (the mutated object, as it would be stored). Each corpus StatefulSet gets a
 * namespace (team-a or team-b); every other one is covered by an exception lifting the policies it fails, and a
 * policy is scoped to team-a only by the config.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import fastJsonPatch from 'fast-json-patch';
import { stringify } from 'yaml';
import { auditStatefulSet } from '../../src/audit/audit-statefulset.ts';
import { actionSettings, buildConfig, type ConfigInput } from '../../src/config/config.ts';
import { configurePolicies, evaluate, readException, type ExceptionsInput, type JsonObject, type PolicyException, type PolicyResult } from '../../src/policy/index.ts';
import { runCliInProcess } from '../helpers/cli-in-process.ts';
import { CORPORA, corpusSkip, loadCorpus } from '../helpers/corpus.ts';
import { builtinPolicies } from '../helpers/policies.ts';
import { testApp } from '../webhook/helpers/app.ts';
import { admissionReview } from '../webhook/helpers/reviews.ts';

const NOW = Date.now();
/** A policy most corpus StatefulSets fail, scoped to one namespace. */
const SCOPED = 'resource-requests-required';
const CONFIG: ConfigInput = { policies: { [SCOPED]: { match: { namespaces: ['team-a'] } } } };

/** Policy id → fail | warn | error | excepted: what each surface did with every policy it did not pass. */
type Findings = Record<string, string>;

function fromResults(results: readonly Pick<PolicyResult, 'policy' | 'result' | 'skip'>[]): Findings {
  const findings: Findings = {};
  for (const r of results) {
    if (r.result === 'fail' || r.result === 'warn' || r.result === 'error') findings[r.policy] = r.result;
    else if (r.result === 'skip' && r.skip?.cause === 'excepted') findings[r.policy] = 'excepted';
  }
  return findings;
}

/** The decision log's compact findings, in the results' words (`deny` is a fail; `audit` a warn at action audit). */
function fromDecision(findings: Record<string, string>): Findings {
  const words: Record<string, string> = { deny: 'fail', warn: 'warn', audit: 'warn', error: 'error', excepted: 'excepted' };
  return Object.fromEntries(Object.entries(findings).map(([policy, action]) => [policy, words[action] ?? action]));
}

function exceptionDocument(name: string, namespace: string, spec: JsonObject): JsonObject {
  return { apiVersion: 'stateguard.io/v1alpha1', kind: 'StatefulSetPolicyException', metadata: { name, namespace }, spec: { reason: 'OPS-7: migrating', ...spec } };
}

for (const corpus of CORPORA) {
  test(`exceptions and a scoped policy give the same verdict in review, the webhooks and the audit, on each ${corpus.id} corpus StatefulSet`, corpusSkip(corpus), async () => {
    const set = configurePolicies(builtinPolicies(), buildConfig([CONFIG]).policies);
    const statefulSets = loadCorpus(corpus).map((entry, i) => {
      const object = structuredClone(entry.object) as JsonObject & { metadata: JsonObject };
      object['apiVersion'] = 'apps/v1';
      object.metadata = { ...object.metadata, name: `s-${i}`, namespace: i % 2 === 0 ? 'team-a' : 'team-b' };
      delete object.metadata['generateName'];
      return object;
    });
    // Every other StatefulSet: an exception for the policies it fails (by name), and one expired exception for all.
    const documents: JsonObject[] = [];
    statefulSets.forEach((object, i) => {
      const failing = evaluate(set, { object, operation: 'CREATE', namespace: String(object.metadata['namespace']) }).results.filter((r) => r.result === 'fail' || r.result === 'warn').map((r) => r.policy);
      if (i % 4 === 1 || failing.length === 0) return;
      const policies = failing.slice(0, i % 3 === 0 ? 1 : 3).map((policy) => ({ policy }));
      documents.push(exceptionDocument(`lift-${i}`, String(object.metadata['namespace']), { policies, statefulSets: { names: [`s-${i}`] } }));
    });
    documents.push(exceptionDocument('too-late', 'team-b', { policies: [{ policy: 'storage-class-required' }], statefulSets: { selector: {} }, expiresAt: '2026-01-01T00:00:00Z' }));
    const exceptions: PolicyException[] = documents.map((document) => {
      const reading = readException(document);
      assert.ok(reading.ok, JSON.stringify(reading));
      return reading.exception;
    });
    const inNamespace = (namespace: string): ExceptionsInput => ({ items: exceptions.filter((e) => e.namespace === namespace), now: NOW });

    // review: a real process; the exceptions are in its input, the scope in its config.
    const dir = mkdtempSync(join(tmpdir(), 'stateguard-surfaces-'));
    let reviewed: Map<string, Findings>;
    try {
      writeFileSync(join(dir, 'config.yaml'), stringify(CONFIG));
      writeFileSync(join(dir, 'bundle.yaml'), [...statefulSets, ...documents].map((document) => stringify(document)).join('---\n'));
      const run = await runCliInProcess(['review', '--config', join(dir, 'config.yaml'), '-o', 'json', join(dir, 'bundle.yaml')]);
      assert.ok(run.code === 0 || run.code === 1, `review exits 0 or 1: ${run.code} ${run.stderr}`);
      const report = JSON.parse(run.stdout) as { items: { namespace: string; name: string; results: PolicyResult[] }[] };
      reviewed = new Map(report.items.map((item) => [`${item.namespace}/${item.name}`, fromResults(item.results)]));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    assert.equal(reviewed.size, statefulSets.length, 'review reports every StatefulSet');

    const { review, records } = await testApp(CONFIG, { exceptions: inNamespace });
    const disagreements: string[] = [];
    let excepted = 0;
    let scopedOut = 0;
    for (const object of statefulSets) {
      const key = `${String(object.metadata['namespace'])}/${String(object.metadata['name'])}`;
      // The webhooks, as the API server calls them: /mutate, its patch applied, then /validate.
      const before = records.length;
      const mutate = await review('mutate', admissionReview(object, { uid: `m-${key}` }));
      const patch = mutate.patch === undefined ? [] : JSON.parse(Buffer.from(mutate.patch, 'base64').toString('utf8')) as fastJsonPatch.Operation[];
      const stored = fastJsonPatch.applyPatch(structuredClone(object), patch, false, false).newDocument;
      const validate = mutate.allowed ? await review('validate', admissionReview(stored, { uid: `v-${key}` })) : undefined;
      const webhook: Findings = {};
      for (const record of records.slice(before)) if (record['msg'] === 'admission decision') Object.assign(webhook, fromDecision(record['findings'] as Record<string, string>));
      // The audit, of the object as it would be stored.
      const audited = auditStatefulSet(stored, { set, actions: actionSettings(buildConfig([CONFIG])) }, { exceptions: inNamespace });
      const audit = fromResults(audited.item.evaluation.results);
      const offline = reviewed.get(key) ?? {};

      const verdicts = [offline, audit].map((findings) => Object.values(findings).includes('fail'));
      const admitted = mutate.allowed && validate?.allowed === true;
      if (verdicts.some((denies) => denies === admitted)) disagreements.push(`${key}: review denies ${String(verdicts[0])}, audit denies ${String(verdicts[1])}, webhook admits ${String(admitted)}`);
      // A mutate-webhook denial ends the request there: compare findings only where both webhooks ran.
      if (validate !== undefined) {
        if (JSON.stringify(sorted(webhook)) !== JSON.stringify(sorted(offline))) disagreements.push(`${key}: webhook ${JSON.stringify(sorted(webhook))} ≠ review ${JSON.stringify(sorted(offline))}`);
      }
      if (JSON.stringify(sorted(audit)) !== JSON.stringify(sorted(offline))) disagreements.push(`${key}: audit ${JSON.stringify(sorted(audit))} ≠ review ${JSON.stringify(sorted(offline))}`);
      if (Object.values(offline).includes('excepted')) excepted++;
      if (object.metadata['namespace'] === 'team-b' && offline[SCOPED] === undefined) scopedOut++;
    }
    assert.deepEqual(disagreements, []);
    // The comparison is about something: exceptions were used, and the scope left team-b out of the scoped policy.
    assert.ok(excepted >= Math.floor(statefulSets.length / 4), `${excepted} StatefulSets had an exception applied`);
    assert.ok(scopedOut > 0, 'some team-b StatefulSets were left out of the scoped policy');
    const teamAFails = [...reviewed].filter(([key, findings]) => key.startsWith('team-a/') && findings[SCOPED] === 'fail').length;
    assert.ok(teamAFails > 0, `the scoped policy still fails in team-a (${teamAFails})`);
  });
}

function sorted(findings: Findings): [string, string][] {
  return Object.entries(findings).sort(([a], [b]) => a.localeCompare(b));
}
