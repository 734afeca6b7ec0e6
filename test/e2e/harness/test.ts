/**
 * node:test's `test`, with the targeted Kubernetes release in every name ("… [Kubernetes 1.35]"), so a run over
 * several releases says which one each result is for. The e2e files import `test` from here.
 */
import { test as nodeTest, type TestContext, type TestOptions } from 'node:test';
import { selectedRelease } from './release.ts';

export const RELEASE = selectedRelease();
const suffix = ` [Kubernetes ${RELEASE.minor}]`;

type Body = (t: TestContext) => void | Promise<void>;

export function test(name: string, fn: Body): Promise<void>;
export function test(name: string, options: TestOptions, fn: Body): Promise<void>;
export function test(name: string, optionsOrFn: TestOptions | Body, fn?: Body): Promise<void> {
  return typeof optionsOrFn === 'function' ? nodeTest(name + suffix, optionsOrFn) : nodeTest(name + suffix, optionsOrFn, fn);
}
