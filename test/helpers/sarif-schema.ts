/** The SARIF 2.1.0 JSON schema (OASIS), as shipped in @microsoft/jest-sarif (MIT), compiled with ajv. */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';

const SCHEMA = resolve(import.meta.dirname, '../../node_modules/@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json');

export function sarifValidator(): ValidateFunction {
  const schema = JSON.parse(readFileSync(SCHEMA, 'utf8')) as Record<string, unknown> & { id: string };
  // A draft-04 schema: its `id` is read as `$id`; its patterns are not all valid with the `u` flag.
  const { id, ...rest } = schema;
  delete rest['$schema'];
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false, unicodeRegExp: false });
  return ajv.compile({ ...rest, $id: id });
}
