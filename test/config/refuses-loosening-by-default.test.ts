import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { parse } from 'yaml';
import { actionSettings, buildConfig, DEFAULT_CONFIG, type ConfigInput } from '../../src/config/config.ts';
import { StateguardError } from '../../src/policy/index.ts';

test('by default the namespace label may only tighten', () => {
  assert.equal(DEFAULT_CONFIG.namespaceActions, 'tighten');
  assert.equal(actionSettings(buildConfig([])).namespaceActions, 'tighten');
});

test('the replaced namespaceActionOverride setting is refused, naming its replacement', () => {
  assert.throws(() => buildConfig([{ namespaceActionOverride: true } as unknown as ConfigInput]), (error: unknown) => {
    assert.ok(error instanceof StateguardError);
    assert.equal(error.code, 'ERR_CONFIG');
    assert.match(error.details.join('\n'), /namespaceActionOverride was replaced by namespaceActions: tighten .*tighten-and-loosen/);
    return true;
  });
  assert.throws(() => buildConfig([{ namespaceActions: 'loosen' } as unknown as ConfigInput]), /config is invalid/);
});

test('the shipped deploy/ configs never let a namespace label loosen enforcement', () => {
  for (const file of ['deploy/base/config.yaml', 'deploy/overlays/audit-only/config.yaml']) {
    const config = buildConfig([parse(readFileSync(file, 'utf8')) as ConfigInput]);
    assert.notEqual(config.namespaceActions, 'tighten-and-loosen', file);
  }
});

test('annotation exemptions are off by default, and in the shipped deploy/ configs', () => {
  assert.equal(DEFAULT_CONFIG.exemptions.annotations, false);
  assert.equal(actionSettings(buildConfig([])).annotationExemptions, false);
  for (const file of ['deploy/base/config.yaml', 'deploy/overlays/audit-only/config.yaml']) {
    assert.equal(buildConfig([parse(readFileSync(file, 'utf8')) as ConfigInput]).exemptions.annotations, false, file);
  }
});

test('the shipped RBAC lets the server create SubjectAccessReviews, and nothing grants the exempt verb', () => {
  const rbac = readFileSync('deploy/base/rbac.yaml', 'utf8');
  const documents = rbac.split(/^---$/m).map((text) => parse(text) as { kind: string; rules?: { apiGroups: string[]; resources: string[]; verbs: string[] }[] });
  const rules = documents.flatMap((d) => d.rules ?? []);
  assert.ok(rules.some((r) => r.apiGroups.includes('authorization.k8s.io') && r.resources.includes('subjectaccessreviews') && r.verbs.includes('create')));
  assert.ok(!rules.some((r) => r.verbs.includes('exempt') || r.verbs.includes('*')));
});

test('match / exclude per policy in the config file are validated by the same scope schema', () => {
  assert.equal(buildConfig([{ policies: { 'storage-class-required': { exclude: { subjects: ['system:serviceaccount:db-operators:*'] } } } }]).policies['storage-class-required']?.exclude?.subjects?.[0], 'system:serviceaccount:db-operators:*');
  assert.throws(() => buildConfig([{ policies: { 'storage-class-required': { match: { users: ['alice'] } } } } as unknown as ConfigInput]), (error: unknown) => {
    assert.ok(error instanceof StateguardError);
    assert.match(error.details.join('\n'), /policies\/storage-class-required\/match.*users|users/);
    return true;
  });
});
