import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { README, renderReadme } from '../../scripts/catalog-table.ts';

test('the README policy table matches the policies (npm run docs:catalog regenerates it)', () => {
  const readme = readFileSync(README, 'utf8');
  assert.equal(renderReadme(readme), readme);
});
