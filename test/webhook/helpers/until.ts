/** Polls until `done()` holds; fails naming `what` after the bound. */
import assert from 'node:assert/strict';

export async function until(done: () => boolean | Promise<boolean>, what: string, boundMs = 15_000): Promise<void> {
  const deadline = Date.now() + boundMs;
  while (!(await done())) {
    assert.ok(Date.now() < deadline, `never saw: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
