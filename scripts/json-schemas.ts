/**
 * Writes the JSON Schemas for editors (schemas/): a policy, a StatefulSetPolicyException, the config file, policy
 * test cases. Each is the schema
 * the code validates with, plus the descriptions of scripts/schema-docs.ts. `--write` updates them; a test
 * (test/tooling/json-schemas-are-current.test.ts) fails when a committed file differs from the generated one.
 * In a YAML file: `# yaml-language-server: $schema=<url or path of the schema>`.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { CASE_FILE_SCHEMA } from '../src/cli/test-command.ts';
import { CONFIG_SCHEMA } from '../src/config/schema.ts';
import { EXCEPTION_API_VERSION, EXCEPTION_KIND } from '../src/policy/exception-types.ts';
import { EXCEPTION_SPEC_SCHEMA, strictly } from '../src/policy/exception-schema.ts';
import { DNS_LABEL_MAX, DNS_LABEL_PATTERN } from '../src/policy/kubernetes-names.ts';
import { POLICY_SCHEMA } from '../src/policy/policy-schema.ts';
import { CASES_DOCS, EXCEPTION_DOCS, POLICY_DOCS, withDescriptions } from './schema-docs.ts';

export const SCHEMA_DIR = resolve(import.meta.dirname, '../schemas');
/** Where the published files are served from: the default branch of the repository. */
export const SCHEMA_BASE_URL = 'https://raw.githubusercontent.com/stateguard/stateguard/main/schemas/';

type Schema = Record<string, unknown>;

/** A whole StatefulSetPolicyException document: the engine's spec schema (closed, as the engine reads it) inside. */
const EXCEPTION_DOCUMENT_SCHEMA: Schema = {
  type: 'object',
  required: ['apiVersion', 'kind', 'metadata', 'spec'],
  properties: {
    apiVersion: { const: EXCEPTION_API_VERSION },
    kind: { const: EXCEPTION_KIND },
    metadata: {
      type: 'object',
      required: ['name'],
      properties: {
        name: { type: 'string', minLength: 1, maxLength: 253 },
        namespace: { type: 'string', pattern: DNS_LABEL_PATTERN, maxLength: DNS_LABEL_MAX },
        labels: { type: 'object', additionalProperties: { type: 'string' } },
        annotations: { type: 'object', additionalProperties: { type: 'string' } },
      },
    },
    spec: strictly(EXCEPTION_SPEC_SCHEMA) as Schema,
  },
};

const SCHEMAS: readonly { file: string; title: string; schema: Schema; docs: Readonly<Record<string, string>> }[] = [
  { file: 'policy.schema.json', title: 'stateguard StatefulSetPolicy', schema: POLICY_SCHEMA, docs: POLICY_DOCS },
  { file: 'policy-exception.schema.json', title: 'stateguard StatefulSetPolicyException', schema: EXCEPTION_DOCUMENT_SCHEMA, docs: EXCEPTION_DOCS },
  { file: 'config.schema.json', title: 'stateguard config file', schema: CONFIG_SCHEMA, docs: {} },
  { file: 'policy-test-cases.schema.json', title: 'stateguard policy test cases', schema: CASE_FILE_SCHEMA, docs: CASES_DOCS },
];

/** File name → its text. */
export function jsonSchemas(): Map<string, string> {
  return new Map(SCHEMAS.map(({ file, title, schema, docs }) => {
    const published = { $schema: 'http://json-schema.org/draft-07/schema#', $id: `${SCHEMA_BASE_URL}${file}`, title, ...withDescriptions(schema, docs) };
    return [file, `${JSON.stringify(published, null, 2)}\n`];
  }));
}

if (import.meta.main) {
  const write = process.argv.includes('--write');
  for (const [file, text] of jsonSchemas()) {
    const path = resolve(SCHEMA_DIR, file);
    if (write) writeFileSync(path, text);
    else process.stdout.write(`schemas/${file} is ${readFileSync(path, 'utf8') === text ? 'current' : 'stale'}\n`);
  }
}
