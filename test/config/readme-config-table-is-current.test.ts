import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { renderReadme } from '../../scripts/config-table.ts';
import { README } from '../../scripts/readme-section.ts';

test('the README config table matches the config schema and its sources (npm run docs:config regenerates it)', () => {
  const readme = readFileSync(README, 'utf8');
  assert.equal(renderReadme(readme), readme);
});
