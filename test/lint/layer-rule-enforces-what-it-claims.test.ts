/** The import-direction rule of eslint.config.js catches every way around it that an outside review found. */
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { test } from 'node:test';
import { ESLint } from 'eslint';

const ROOT = resolve(import.meta.dirname, '../..');
const eslint = new ESLint({ cwd: ROOT });

async function messagesFor(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: resolve(ROOT, file) });
  return (result?.messages ?? []).map((m) => `${m.ruleId ?? ''}: ${m.message}`);
}

const FORBIDDEN: readonly (readonly [string, string, RegExp])[] = [
  ['src/policy/x.ts', "import { readFileSync } from 'fs';\nreadFileSync('a');\n", /no-restricted-imports/],
  ['src/policy/x.ts', "import { readFileSync } from 'node:fs';\nreadFileSync('a');\n", /no-restricted-imports/],
  ['src/policy/x.ts', "import { readFile } from 'fs/promises';\nawait readFile('a');\n", /no-restricted-imports/],
  ['src/policy/x.ts', "import { connect } from 'node:tls';\nconnect(1);\n", /no-restricted-imports/],
  ['src/policy/x.ts', "export const argv = globalThis.process.argv;\n", /no-restricted-properties/],
  ['src/policy/x.ts', "export const argv = process.argv;\n", /no-restricted-globals/],
  ['src/policy/x.ts', "import pino from 'pino';\npino();\n", /no-restricted-imports/],
  ['src/admission/x.ts', "import { KubeConfig } from '@kubernetes/client-node/dist/config.js';\nnew KubeConfig();\n", /no-restricted-imports/],
  ['src/admission/x.ts', "import { KubeConfig } from '@kubernetes/client-node';\nnew KubeConfig();\n", /no-restricted-imports/],
  ['src/admission/x.ts', "import { evaluate } from '../webhook/x.ts';\nevaluate();\n", /must not import src\/webhook\//],
  ['src/report/x.ts', "export const env = globalThis.process.env;\n", /no-restricted-properties/],
  ['src/webhook/x.ts', "import { KubeConfig } from '@kubernetes/client-node/dist/config.js';\nnew KubeConfig();\n", /no-restricted-imports/],
  ['src/certificates/x.ts', "import { watchDirectories } from '../webhook/watch-directories.ts';\nwatchDirectories();\n", /must not import src\/webhook\//],
  ['src/certificates/x.ts', "import { KubeConfig } from '@kubernetes/client-node';\nnew KubeConfig();\n", /no-restricted-imports/],
  ['src/logging/x.ts', "import { loadConfig } from '../config/config.ts';\nloadConfig();\n", /must not import src\/config\//],
  ['src/metrics/x.ts', "import { createLogger } from '../logging/logger.ts';\ncreateLogger();\n", /must not import src\/logging\//],
  ['src/policy/x.ts', "import { issueCertificate } from '../certificates/issue-certificate.ts';\nissueCertificate();\n", /must not import src\/certificates\//],
];

for (const [file, code, expected] of FORBIDDEN) {
  test(`lint refuses in ${file}: ${code.split('\n')[0]}`, async () => {
    const messages = await messagesFor(file, code);
    assert.ok(messages.some((m) => expected.test(m)), `expected ${String(expected)}, got ${JSON.stringify(messages)}`);
  });
}

test('the process message names every folder that is exempt', async () => {
  const [message] = await messagesFor('src/policy/x.ts', 'export const argv = process.argv;\n');
  for (const folder of ['src/cli', 'src/config', 'src/webhook', 'src/audit', 'src/cluster', 'src/metrics']) assert.ok(message?.includes(folder), `${folder} missing from: ${message}`);
});

test('allowed imports stay allowed: the webhook may use fastify and fs, the cluster folder client-node', async () => {
  assert.deepEqual(await messagesFor('src/webhook/x.ts', "import { readFileSync } from 'node:fs';\nimport fastify from 'fastify';\nfastify(); readFileSync('a');\n"), []);
  assert.deepEqual(await messagesFor('src/cluster/x.ts', "import { KubeConfig } from '@kubernetes/client-node';\nnew KubeConfig();\n"), []);
});
