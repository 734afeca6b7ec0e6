/**
 * Paged LISTs (limit + continue) returning objects exactly as the API server serves them. The typed clients would
 * not do: their models drop fields newer than the client and rename others (LimitRange `default` → `_default`),
 * and policies must see what the webhook sees.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { ApiException, HttpMethod, IsomorphicFetchHttpLibrary, RequestContext } from '@kubernetes/client-node';
import type { JsonObject } from '../policy/index.ts';
import { clusterError } from './cluster-error.ts';
import type { Kube } from './kube.ts';

export interface ListOptions {
  /** Objects per page. */
  readonly limit?: number;
  readonly labelSelector?: string;
  readonly fieldSelector?: string;
}

export interface ListPage {
  readonly items: readonly JsonObject[];
  readonly resourceVersion: string;
}

const DEFAULT_PAGE_SIZE = 500;
const RETRIED = new Set([429, 503]);
const MAX_ATTEMPTS = 5;
const MAX_RETRY_AFTER_S = 10;
const http = new IsomorphicFetchHttpLibrary();

/** Pages of a collection, e.g. `/apis/apps/v1/statefulsets`; throws ERR_CLUSTER naming the server and status. */
export async function* listPages(kube: Kube, path: string, options: ListOptions = {}): AsyncGenerator<ListPage> {
  let token: string | undefined;
  do {
    const query = { limit: String(options.limit ?? DEFAULT_PAGE_SIZE), continue: token, labelSelector: options.labelSelector, fieldSelector: options.fieldSelector };
    let list: { items?: JsonObject[]; metadata?: { resourceVersion?: string; continue?: string } };
    try {
      list = await getJsonPatiently(kube, path, query);
    } catch (error) {
      throw clusterError(kube.server, `cannot list ${path}`, error);
    }
    token = list.metadata?.continue || undefined;
    yield { items: list.items ?? [], resourceVersion: list.metadata?.resourceVersion ?? '' };
  } while (token !== undefined);
}

/** Every page at once, with the resourceVersion a watch continues from. */
export async function listAll(kube: Kube, path: string, options: ListOptions = {}): Promise<{ items: JsonObject[]; metadata: { resourceVersion: string } }> {
  const items: JsonObject[] = [];
  let resourceVersion = '';
  for await (const page of listPages(kube, path, options)) {
    items.push(...page.items);
    resourceVersion = page.resourceVersion;
  }
  return { items, metadata: { resourceVersion } };
}

/** Retries what the API server asks to be retried (429 while a new resource's storage initializes, 503), honouring Retry-After. */
export async function getJsonPatiently<T>(kube: Kube, path: string, query: Readonly<Record<string, string | undefined>>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await getJson<T>(kube, path, query);
    } catch (error) {
      if (!(error instanceof ApiException) || !RETRIED.has(error.code) || attempt === MAX_ATTEMPTS) throw error;
      await sleep(Math.min(MAX_RETRY_AFTER_S, Number(error.headers['retry-after']) || 1) * 1000);
    }
  }
}

async function getJson<T>(kube: Kube, path: string, query: Readonly<Record<string, string | undefined>>): Promise<T> {
  const request = new RequestContext(kube.server + path, HttpMethod.GET);
  for (const [name, value] of Object.entries(query)) if (value !== undefined) request.setQueryParam(name, value);
  request.setHeaderParam('Accept', 'application/json');
  await kube.config.applySecurityAuthentication(request);
  const response = await http.send(request).toPromise();
  const body = await response.body.text();
  if (response.httpStatusCode >= 300) throw new ApiException(response.httpStatusCode, `GET ${path}`, body, response.headers);
  return JSON.parse(body) as T;
}
