import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { test } from 'node:test';

const ROOT = resolve(import.meta.dirname, '../..');
const DOCKERFILE = readFileSync(resolve(ROOT, 'Dockerfile'), 'utf8');
const PACKAGE = JSON.parse(readFileSync(resolve(ROOT, 'package.json'), 'utf8')) as { version: string; license: string; engines: { node: string } };
const LOCK = JSON.parse(readFileSync(resolve(ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, { version?: string }> };

/** The Dockerfile's ARG defaults, by name. */
const ARGS = Object.fromEntries([...DOCKERFILE.matchAll(/^ARG (\w+)=(\S+)$/gm)].map((m) => [m[1]!, m[2]!]));
const expand = (text: string): string => text.replace(/\$\{(\w+)\}|\$(\w+)/g, (_all, a?: string, b?: string) => ARGS[a ?? b ?? ''] ?? `<unset ${a ?? b}>`);
const FROMS = [...DOCKERFILE.matchAll(/^FROM (\S+)/gm)].map((m) => expand(m[1]!));

test('every base image is pinned by digest', () => {
  assert.equal(FROMS.length, 2);
  for (const image of FROMS) assert.match(image, /^[\w./-]+:[\w.-]+@sha256:[0-9a-f]{64}$/, image);
});

test('build, dev and runtime run one Node: the build image is the version npm ci installs for development, the runtime its major line', () => {
  const dev = LOCK.packages['node_modules/node']?.version ?? '';
  const major = dev.split('.')[0];
  assert.match(dev, /^\d+\.\d+\.\d+$/);
  assert.equal(PACKAGE.engines.node, `>=${major}`);
  const [build, runtime] = FROMS as [string, string];
  assert.match(build, new RegExp(`^node:${dev.replaceAll('.', '\\.')}-bookworm-slim@`), 'build stage');
  assert.match(runtime, new RegExp(`^gcr\\.io/distroless/nodejs${major}-debian12:nonroot@`), 'runtime stage');
});

test('the image carries the OCI labels: source, version (the package version), licenses (the package license)', () => {
  const labels = Object.fromEntries([...DOCKERFILE.matchAll(/(org\.opencontainers\.image\.\w+)="([^"]*)"/g)].map((m) => [m[1]!, expand(m[2]!)]));
  assert.equal(labels['org.opencontainers.image.version'], PACKAGE.version);
  assert.equal(labels['org.opencontainers.image.licenses'], PACKAGE.license);
  assert.match(labels['org.opencontainers.image.source'] ?? '', /^https:\/\/github\.com\/[\w-]+\/[\w-]+$/);
  assert.match(DOCKERFILE, /^COPY LICENSE \.\/$/m, 'the license text ships in the image');
});

test('LICENSE is the Apache License 2.0 the package names', () => {
  const license = readFileSync(resolve(ROOT, 'LICENSE'), 'utf8');
  assert.equal(PACKAGE.license, 'Apache-2.0');
  assert.match(license, /Apache License\s+Version 2\.0, January 2004/);
  assert.match(license, /TERMS AND CONDITIONS FOR USE, REPRODUCTION, AND DISTRIBUTION/);
  assert.match(license, /END OF TERMS AND CONDITIONS/);
});
