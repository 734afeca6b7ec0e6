import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { shapeProblem, type ShapeProblem } from '../../src/policy/index.ts';

/** The shape check as it was before its allocation-free first step: an explicit stack, last child first. The reference. */
function stackWalk(value: unknown, maxDepth: number, maxValues: number, maxItems: number): ShapeProblem | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const objects: object[] = [value];
  const levels: number[] = [1];
  let values = 1;
  while (objects.length > 0) {
    const current = objects.pop() as object;
    const level = levels.pop() ?? 0;
    if (level > maxDepth) return 'depth';
    const children = Array.isArray(current) ? current as unknown[] : Object.values(current as Record<string, unknown>);
    if (Array.isArray(current) && children.length > maxItems) return 'items';
    values += children.length;
    if (values > maxValues) return 'values';
    for (const child of children) {
      if (typeof child === 'object' && child !== null) {
        objects.push(child);
        levels.push(level + 1);
      }
    }
  }
  return undefined;
}

const json = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small', withCrossShrink: true }, fc.constant(null), fc.integer(), fc.string({ maxLength: 2 }), tie('array'), tie('object')),
  array: fc.array(tie('value'), { maxLength: 5 }),
  object: fc.dictionary(fc.string({ maxLength: 2 }), tie('value'), { maxKeys: 5 }),
})).value;

test('the shape check names the same limit, or none, as the explicit-stack walk alone did, whichever limits a value crosses', () => {
  fc.assert(fc.property(json, fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 40 }), fc.integer({ min: 0, max: 5 }), (value, depth, values, items) => {
    assert.equal(shapeProblem(value, depth, values, items), stackWalk(value, depth, values, items));
  }), { numRuns: 3000 });
});

test('an object nested far past the depth limit is refused without overflowing the stack', () => {
  let value: unknown = 'leaf';
  for (let i = 0; i < 1_000_000; i++) value = [value];
  assert.equal(shapeProblem(value), 'depth');
});
