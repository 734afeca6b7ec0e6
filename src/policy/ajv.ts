/**
 * ajv, loaded on the first schema compiled at run time. The schemas every command needs are precompiled
 * (src/generated/), so a `review` with the built-in policies never loads ajv's compiler: about 25 ms of its start-up.
 * ajv is CommonJS, so it loads synchronously (on-first-use.ts) and compiling stays synchronous.
 */
import type * as AjvModule from 'ajv';
import type { Ajv, Options } from 'ajv';
import { onFirstUse } from './on-first-use.ts';

const ajv = onFirstUse<typeof AjvModule>('ajv');

export function newAjv(options: Options): Ajv {
  return new (ajv().Ajv)(options);
}
