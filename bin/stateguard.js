#!/usr/bin/env node
// Runs the built CLI (dist/, after `npm run build`) or, in a checkout, the TypeScript sources directly (Node 24).
// The version check comes first, in syntax every Node parses: an older Node exits 2 instead of failing obscurely.
const nodeMajor = Number(process.versions.node.split('.')[0]);
if (!(nodeMajor >= 24)) {
  process.stderr.write(`stateguard needs Node.js >= 24 (this is ${process.versions.node})\n`);
  process.exit(2);
}
const { existsSync } = await import('node:fs');
const built = new URL('../dist/cli/main.js', import.meta.url);
const { main } = await import(existsSync(built) ? built.href : new URL('../src/cli/main.ts', import.meta.url).href);
await main(process.argv.slice(2));
