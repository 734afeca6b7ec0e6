/** Bad requests and the answer each must get: the same table drives inject() and the real HTTPS server. */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { ProblemCode } from '../../../src/admission/index.ts';

const EXAMPLE = readFileSync(resolve(import.meta.dirname, '../../../examples/admission-review.json'), 'utf8');

function edited(edit: (review: { apiVersion?: string; request: Record<string, unknown> }) => void): string {
  const review = JSON.parse(EXAMPLE) as { apiVersion?: string; request: Record<string, unknown> };
  edit(review);
  return JSON.stringify(review);
}

export interface BadRequest {
  readonly name: string;
  readonly path: string;
  readonly contentType?: string;
  readonly body: string;
  readonly status: number;
  readonly code: ProblemCode;
  /** The message names the problem. */
  readonly message: RegExp;
}

export const BAD_REQUESTS: readonly BadRequest[] = [
  { name: 'text/plain', path: '/validate', contentType: 'text/plain', body: EXAMPLE, status: 415, code: 'ERR_CONTENT_TYPE', message: /content type "text\/plain" is not supported/ },
  { name: 'a form', path: '/mutate', contentType: 'application/x-www-form-urlencoded', body: 'a=1', status: 415, code: 'ERR_CONTENT_TYPE', message: /application\/x-www-form-urlencoded/ },
  { name: 'malformed JSON', path: '/validate', body: '{"apiVersion": "admission.k8s.io/v1", "kind": ', status: 400, code: 'ERR_JSON', message: /not valid JSON/ },
  { name: 'an empty body', path: '/mutate', body: '', status: 400, code: 'ERR_JSON', message: /body is empty/ },
  { name: 'a prototype-poisoning body', path: '/validate', body: '{"__proto__": {"allowed": true}}', status: 400, code: 'ERR_JSON_PROTOTYPE_KEY', message: /__proto__ or constructor\.prototype key/ },
  // The parser's fast path skips the poisoning check only for bodies with neither key nor a \u escape in them.
  { name: 'a prototype-poisoning key spelt with escapes', path: '/mutate', body: '{"\\u005f_proto__": {"allowed": true}}', status: 400, code: 'ERR_JSON_PROTOTYPE_KEY', message: /__proto__ or constructor\.prototype key/ },
  { name: 'a constructor-poisoning body', path: '/validate', body: '{"constructor": {"prototype": {"allowed": true}}}', status: 400, code: 'ERR_JSON_PROTOTYPE_KEY', message: /__proto__ or constructor\.prototype key/ },
  { name: 'a poisoning key in malformed JSON', path: '/validate', body: '{"__proto__": {"allowed": tru', status: 400, code: 'ERR_JSON', message: /not valid JSON/ },
  { name: 'admission.k8s.io/v1beta1', path: '/validate', body: edited((r) => { r.apiVersion = 'admission.k8s.io/v1beta1'; }), status: 400, code: 'ERR_REVIEW_API_VERSION', message: /apiVersion must be admission\.k8s\.io\/v1/ },
  { name: 'a missing request.uid', path: '/validate', body: edited((r) => { delete r.request['uid']; }), status: 400, code: 'ERR_REVIEW_UID', message: /request\.uid/ },
  { name: 'a null object', path: '/mutate', body: edited((r) => { r.request['object'] = null; }), status: 400, code: 'ERR_REVIEW_OBJECT', message: /request\.object must be a StatefulSet object, got null/ },
  { name: 'a body over the limit', path: '/validate', body: edited((r) => { r.request['padding'] = 'x'.repeat(4 * 1024 * 1024); }), status: 413, code: 'ERR_BODY_TOO_LARGE', message: /larger than the limit of 3145728 bytes/ },
  { name: 'an unknown path', path: '/admit', body: EXAMPLE, status: 404, code: 'ERR_NOT_FOUND', message: /no route POST \/admit/ },
];
