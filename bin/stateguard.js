#!/usr/bin/env node
// Runs the built CLI (dist/, after `npm run build`) or, in a checkout, the TypeScript sources directly (Node 24).
import { existsSync } from 'node:fs';

const built = new URL('../dist/cli/main.js', import.meta.url);
const { main } = await import(existsSync(built) ? built.href : new URL('../src/cli/main.ts', import.meta.url).href);
await main(process.argv.slice(2));
