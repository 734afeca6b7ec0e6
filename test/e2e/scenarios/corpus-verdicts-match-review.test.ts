/**
 * The StatefulSets of each corpus (test/helpers/corpus.ts: the fixture corpus always, the real-world one when it
 * is beside the checkout, else reported as skipped), each applied alone with `kubectl apply --dry-run=server` to a real
 * kube-apiserver that calls `stateguard serve` (built-in policies, default config): the API server's verdict
 * must be the one `stateguard review` gives offline, document by document.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { after, before } from 'node:test';
import { test } from '../harness/test.ts';
import { parseAllDocuments } from 'yaml';
import { CORPORA, corpusSkip } from '../../helpers/corpus.ts';
import { registerCleanup } from '../harness/cleanup.ts';
import { startCluster, type Cluster } from '../harness/cluster.ts';
import { formatDecisionDurations, startStateguard, type Stateguard } from '../harness/stateguard.ts';
import { formatLatency, registerWebhooks, webhookConfigurations, webhookLatency } from '../harness/webhooks.ts';

const repoRoot = join(import.meta.dirname, '..', '..', '..');
const MAIN = join(repoRoot, 'src', 'cli', 'main.ts');
const DENIED_BY_STATEGUARD = 'admission webhook "validate.stateguard.io" denied the request: ';

type Json = Record<string, unknown>;

interface CorpusDocument {
  /** File written for this one document: `NN__<corpus file>__<name>.yaml`. */
  path: string;
  source: string;
  name: string;
  /** As written; absent means the kubeconfig's namespace, `default`, for both kubectl and review. */
  namespace: string | undefined;
  apiVersion: string;
}

interface Verdict {
  verdict: 'allow' | 'deny';
  policies: string[];
}

type ApiOutcome = Verdict | { verdict: 'rejected'; by: string; message: string };

let cluster: Cluster;
let stateguard: Stateguard;
let workDir: string;

before(async () => {
  workDir = mkdtempSync(join(tmpdir(), 'stateguard-corpus-'));
  registerCleanup(() => rmSync(workDir, { recursive: true, force: true }));
  cluster = await startCluster();
  stateguard = await startStateguard();
  await registerWebhooks(cluster, stateguard);
});

after(async () => {
  await stateguard?.stop();
  await cluster?.stop();
  rmSync(workDir, { recursive: true, force: true });
});

/**
 * Every StatefulSet document, as its own file. Plain documents keep their exact source text, so kubectl reads
 * them as it would the original (YAML 1.1 octals such as `defaultMode: 0755` included); an item of a
 * `kind: List` is written as JSON.
 */
function extractStatefulSets(corpusDir: string, dir: string): CorpusDocument[] {
  const documents: CorpusDocument[] = [];
  for (const file of readdirSync(corpusDir).filter((f) => f.endsWith('.yaml')).sort()) {
    const text = readFileSync(join(corpusDir, file), 'utf8');
    for (const document of parseAllDocuments(text)) {
      const value = document.toJS() as Json | null;
      if (value === null || typeof value !== 'object') continue;
      const candidates: { object: Json; source: string }[] = value['kind'] === 'List' && Array.isArray(value['items'])
        ? (value['items'] as Json[]).map((item) => ({ object: item, source: `${JSON.stringify(item, null, 2)}\n` }))
        : [{ object: value, source: `${text.slice(document.contents?.range[0] ?? 0, document.contents?.range[1] ?? 0)}\n` }];
      for (const { object, source } of candidates) {
        if (object['kind'] !== 'StatefulSet') continue;
        const metadata = (object['metadata'] ?? {}) as Json;
        const name = String(metadata['name']);
        const path = join(dir, `${String(documents.length + 1).padStart(2, '0')}__${file.replace(/\.yaml$/, '')}__${name}.yaml`);
        writeFileSync(path, source);
        documents.push({ path, source, name, namespace: typeof metadata['namespace'] === 'string' ? metadata['namespace'] : undefined, apiVersion: String(object['apiVersion']) });
      }
    }
  }
  return documents;
}

/**
 * `stateguard review -o json DIR`: one item per document file, deny = any result `fail`. It exits 2 when it
 * has input problems to report (the apps/v1beta1 documents, reviewed as apps/v1): returned, not fatal.
 */
function reviewVerdicts(dir: string): { verdicts: Map<string, Verdict>; problems: string[] } {
  const review = spawnSync(process.execPath, [MAIN, 'review', '-o', 'json', dir], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, env: { ...process.env, NO_COLOR: '1' } });
  assert.equal(review.stderr, '');
  const report = JSON.parse(review.stdout) as { items: { file: string; results: { policy: string; result: string }[] }[]; problems: { file: string; message: string }[] };
  const verdicts = new Map<string, Verdict>();
  for (const item of report.items) {
    assert.equal(verdicts.has(item.file), false, `${item.file} holds more than one StatefulSet`);
    const policies = item.results.filter((r) => r.result === 'fail').map((r) => r.policy).sort();
    verdicts.set(item.file, { verdict: policies.length > 0 ? 'deny' : 'allow', policies });
  }
  // Exit 2 when there are input problems, else 1 when anything is denied, else 0: exactly, not "one of".
  const expectedExit = report.problems.length > 0 ? 2 : [...verdicts.values()].some((v) => v.verdict === 'deny') ? 1 : 0;
  assert.equal(review.status, expectedExit, `stateguard review exit code`);
  return { verdicts, problems: report.problems.map((p) => `${basename(p.file, '.yaml')}: ${p.message}`) };
}

async function applyDryRun(document: CorpusDocument): Promise<ApiOutcome> {
  const result = await cluster.kubectl(['apply', '--dry-run=server', '-f', document.path]);
  if (result.code === 0) return { verdict: 'allow', policies: [] };
  const at = result.stderr.indexOf(DENIED_BY_STATEGUARD);
  if (at !== -1) {
    const lines = result.stderr.slice(at + DENIED_BY_STATEGUARD.length).trimEnd().split('\n');
    // One line per violation: a policy may be named several times.
    return { verdict: 'deny', policies: [...new Set(lines.map((line) => /^\[([a-z0-9-]+)\] /.exec(line)?.[1] ?? `(unexpected line: ${line})`))].sort() };
  }
  const message = result.stderr.split('\n').find((line) => line.startsWith('error') || line.startsWith('Error') || line.startsWith('The ')) ?? result.stderr.trim();
  return { verdict: 'rejected', by: rejectedBy(message), message };
}

/** Who said no, when stateguard did not deny: only the API server's own answers are explained differences. */
function rejectedBy(message: string): string {
  if (/admission webhook|failed calling webhook/.test(message)) return 'stateguard (webhook call failed)';
  // kubectl finds no REST mapping because the API server does not serve the version: the request is never sent.
  if (message.includes('no matches for kind')) return 'kube-apiserver (version not served; kubectl sends nothing)';
  return 'kube-apiserver (its own validation)';
}

/** Namespaces the webhooks' namespaceSelector leaves out (deploy/base/webhooks.yaml), read from the registered configuration. */
function excludedNamespaces(): string[] {
  const [mutating] = webhookConfigurations({ url: 'https://unused', caPem: '' });
  const expressions = ((mutating?.['webhooks'] as Json[])[0]?.['namespaceSelector'] as { matchExpressions: { key: string; operator: string; values: string[] }[] }).matchExpressions;
  return expressions.filter((e) => e.key === 'kubernetes.io/metadata.name' && e.operator === 'NotIn').flatMap((e) => e.values);
}

for (const corpus of CORPORA) test(`the API server admits or denies each ${corpus.id} corpus StatefulSet exactly as stateguard review judges it offline`, corpusSkip(corpus), async (t) => {
  const dir = join(workDir, corpus.id);
  mkdirSync(dir);
  const documents = extractStatefulSets(corpus.dir, dir);
  assert.equal(documents.length, corpus.statefulSets);
  const { verdicts: offline, problems } = reviewVerdicts(dir);
  assert.equal(offline.size, documents.length, 'stateguard review gave every document a verdict');
  for (const problem of problems) t.diagnostic(`review notes ${problem}`);
  assert.deepEqual(problems.filter((p) => !/apiVersion apps\/v1beta[12] is not served/.test(p)), [], 'review problems other than the apps/v1beta notices');

  for (const namespace of new Set(documents.flatMap((d) => d.namespace ?? []))) {
    const created = await cluster.kubectl(['create', 'namespace', namespace]);
    assert.ok(created.code === 0 || created.stderr.includes('AlreadyExists'), created.stderr);
  }
  const excluded = excludedNamespaces();

  const rows: { document: string; review: string; apiserver: string; note: string }[] = [];
  const unexplained: typeof rows = [];
  let agreements = 0;
  for (const document of documents) {
    const expected = offline.get(document.path);
    assert.ok(expected, `no review verdict for ${document.path}`);
    const actual = await applyDryRun(document);
    const row = {
      document: basename(document.path, '.yaml'),
      review: `${expected.verdict}${expected.policies.length > 0 ? ` [${expected.policies.join(',')}]` : ''}`,
      apiserver: actual.verdict === 'rejected' ? `rejected by ${actual.by}` : `${actual.verdict}${actual.policies.length > 0 ? ` [${actual.policies.join(',')}]` : ''}`,
      note: '',
    };
    if (actual.verdict === 'rejected') {
      row.note = actual.message;
      rows.push(row);
      if (!actual.by.startsWith('kube-apiserver')) unexplained.push(row);
    } else if (excluded.includes(document.namespace ?? 'default')) {
      row.note = `not sent to stateguard: the namespaceSelector leaves out ${document.namespace}`;
      rows.push(row);
      if (actual.verdict !== 'allow') unexplained.push(row);
    } else if (actual.verdict !== expected.verdict || actual.policies.join(',') !== expected.policies.join(',')) {
      row.note = 'verdicts differ';
      rows.push(row);
      unexplained.push(row);
    } else {
      agreements += 1;
    }
  }

  t.diagnostic(`${documents.length} StatefulSets: ${agreements} with the same verdict and denying policies online and offline; ${rows.length} listed below`);
  for (const row of rows) t.diagnostic(`${row.document} | review: ${row.review} | API server: ${row.apiserver} | ${row.note}`);
  for (const line of [...formatLatency(webhookLatency(await cluster.metrics())), ...formatDecisionDurations(await stateguard.decisions())]) t.diagnostic(line);
  assert.deepEqual(unexplained, [], 'documents whose API server verdict differs from stateguard review without an explanation');
  // Guards against a run where nothing reached stateguard: most of each corpus is compared (verdicts pinned in test/fixtures/*-corpus-verdicts.json).
  assert.ok(agreements >= documents.length * 0.6, `only ${agreements} of ${documents.length} documents were compared`);
  assert.ok((await stateguard.decisions()).some((line) => line.dry_run && line.decision === 'deny'));
});
