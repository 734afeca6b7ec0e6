import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_CONFIG } from '../../src/config/config.ts';
import { runCliInProcess } from '../helpers/cli-in-process.ts';

test('serve --help shows the defaults of the config schema', async () => {
  const { code, stdout } = await runCliInProcess(['serve', '--help']);
  assert.equal(code, 0);
  // Help wraps at the terminal width: compare with the whitespace folded.
  const help = stdout.replace(/\s+/g, ' ');
  assert.match(help, new RegExp(`--port <port> admission HTTPS port \\(0: any free port\\) \\(default: ${DEFAULT_CONFIG.server.port}\\)`));
  assert.ok(help.includes(`--metrics-host <address> health and metrics listen address (default: "${DEFAULT_CONFIG.server.metricsHost}")`), help);
  assert.ok(help.includes(`(default: ${DEFAULT_CONFIG.server.metricsPort})`), help);
});
