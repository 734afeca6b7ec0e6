import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { test } from 'node:test';
import type { CliResult } from '../helpers/cli.ts';
import { runCliInProcess } from '../helpers/cli-in-process.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const README = readFileSync(resolve(ROOT, 'README.md'), 'utf8');

/** The fenced blocks of the walkthrough that follow an `<!-- example: … -->` marker, by what the marker names. */
function examples(): Map<string, string> {
  const start = README.indexOf('## Writing and testing a policy');
  const section = README.slice(start, README.indexOf('\n## ', start + 1));
  const blocks = new Map<string, string>();
  for (const match of section.matchAll(/<!-- example: (\S+) -->\n```\w*\n([\s\S]*?)```\n/g)) blocks.set(match[1]!, match[2]!);
  return blocks;
}

test('the walkthrough shows the example policy and its test cases exactly as they are in examples/custom-policy', () => {
  const blocks = examples();
  const files = [...blocks.keys()].filter((key) => key !== 'commands');
  assert.deepEqual(files, ['examples/custom-policy/policies/team-label-required/policy.yaml', 'examples/custom-policy/policies/team-label-required/tests/cases.yaml']);
  for (const file of files) assert.equal(blocks.get(file), readFileSync(resolve(ROOT, file), 'utf8'), `${file} differs from the README`);
});

test("the walkthrough's commands, run through the real CLI, print what the README shows and exit as it says", async () => {
  const commands = examples().get('commands');
  assert.ok(commands !== undefined, 'the walkthrough has a commands block');
  const lines = commands.trimEnd().split('\n');
  let last: CliResult | undefined;
  let ran = 0;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    assert.ok(line.startsWith('$ '), `line ${i + 1} of the commands block is neither a command nor its output: ${line}`);
    const expected: string[] = [];
    while (i + 1 < lines.length && !lines[i + 1]!.startsWith('$ ')) expected.push(lines[++i]!);
    if (line === '$ echo $?') {
      assert.ok(last !== undefined);
      assert.deepEqual(expected, [String(last.code)], `exit code of the command before line ${i + 1}`);
      continue;
    }
    const discard = line.endsWith(' > /dev/null');
    const words = line.slice(2).replace(/ > \/dev\/null$/, '').split(' ');
    assert.deepEqual(words.slice(0, 2), ['npx', 'stateguard'], line);
    last = await runCliInProcess(words.slice(2));
    ran++;
    assert.equal(last.stderr, '', `${line}: stderr`);
    assert.equal(discard ? '' : last.stdout.trimEnd(), expected.join('\n'), `${line}: output`);
  }
  assert.equal(ran, 3);
});
