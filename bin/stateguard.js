#!/usr/bin/env node
// Runs the compiled CLI (dist/: what the published package ships, built by `npm pack`'s prepack). In a checkout
// without a build, it runs the TypeScript sources (Node 24 strips types); the package itself never needs them.
// The version check comes first, in syntax every Node parses: an older Node exits 2 instead of failing obscurely.
const nodeMajor = Number(process.versions.node.split('.')[0]);
if (!(nodeMajor >= 24)) {
  process.stderr.write(`stateguard needs Node.js >= 24 (this is ${process.versions.node})\n`);
  process.exit(2);
}
// Node's compile cache (in the OS temp directory, or NODE_COMPILE_CACHE; NODE_DISABLE_COMPILE_CACHE=1 turns it off)
// keeps the compiled code of our modules and dependencies between runs: about 40 ms of a short `review`. A directory
// that cannot be written only leaves it off.
const { enableCompileCache } = await import('node:module');
enableCompileCache();
const { existsSync } = await import('node:fs');
const built = new URL('../dist/cli/main.js', import.meta.url);
const source = new URL('../src/cli/main.ts', import.meta.url);
const entry = existsSync(built) ? built : existsSync(source) ? source : undefined;
if (entry === undefined) {
  process.stderr.write('stateguard: this installation has no dist/cli/main.js: reinstall the package (or run `npm run build` in a checkout)\n');
  process.exit(2);
}
const { main } = await import(entry.href);
await main(process.argv.slice(2));
