import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { runCli } from '../helpers/cli.ts';
import { runCliInProcess } from '../helpers/cli-in-process.ts';

const work = mkdtempSync(join(tmpdir(), 'stateguard-empty-'));
after(() => rmSync(work, { recursive: true, force: true }));

test('an empty or comment-only config file is an error at start-up, naming the file', async () => {
  for (const [name, text] of [['empty.yaml', ''], ['comments.yaml', '# policies: {}\n'], ['separator.yaml', '---\n']] as const) {
    const file = join(work, name);
    writeFileSync(file, text);
    for (const args of [['policies'], ['review', 'examples/seed-statefulset.yaml'], ['serve', '--port', '0', '--metrics-port', '0']]) {
      // `serve` as a process: were the file accepted, the server it started would outlive the test, not this process.
      const result = args[0] === 'serve' ? runCli([...args, '--config', file]) : await runCliInProcess([...args, '--config', file]);
      assert.equal(result.code, 2, `${args[0]} ${name}: ${result.stderr}`);
      assert.match(result.stderr, new RegExp(`config file .*${name} is empty \\(or only comments\\)`));
      assert.equal(result.stdout.includes('stateguard serving'), false);
    }
  }
});

test('an empty or comment-only policy file is an error at start-up, naming the file', async () => {
  const dir = join(work, 'policies');
  mkdirSync(dir);
  writeFileSync(join(dir, 'truncated.yaml'), '# apiVersion: stateguard.io/v1alpha1\n');
  for (const args of [['policies'], ['review', 'examples/seed-statefulset.yaml']]) {
    const result = await runCliInProcess([...args, '--policies', dir]);
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, /truncated\.yaml: holds no policy \(the file is empty or only comments\)/);
  }
});
