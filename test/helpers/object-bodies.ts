// Records every 2xx answer a client receives and checks that its body is a JSON object: the official
// Node.js SDK sets httpStatusCode on the parsed body, which fails on null (typeof null is 'object')
// and loses anything that is not an object. Used by the per-family wire tests.
import assert from 'node:assert/strict';
import type { AtelierClient } from '#src/client/index.ts';

/** "METHOD /path/{template}" as in the OpenAPI document. */
export type RouteKey = string;

export interface BodyRecorder {
  /** Routes answered with a 2xx, and what was wrong with each body (empty when it was an object). */
  readonly answered: Map<RouteKey, string[]>;
}

function problemOf(status: number, contentType: string | null, text: string, json: unknown): string | undefined {
  if (!(contentType ?? '').startsWith('application/json')) return `${status}: content-type ${contentType ?? 'none'}, not JSON`;
  if (text === '') return `${status}: an empty body`;
  if (json === null) return `${status}: null`;
  if (Array.isArray(json)) return `${status}: an array`;
  if (typeof json !== 'object') return `${status}: a ${typeof json}`;
  return undefined;
}

/** Starts recording the 2xx answers `client` receives (through call and raw alike). */
export function recordBodies(client: AtelierClient): BodyRecorder {
  const answered = new Map<RouteKey, string[]>();
  const raw = client.http.raw.bind(client.http);
  client.http.raw = async (method, path, opts) => {
    const res = await raw(method, path, opts);
    if (res.status >= 200 && res.status < 300) {
      const key = `${method.toUpperCase()} ${path}`;
      const problems = answered.get(key) ?? [];
      const problem = problemOf(res.status, res.headers.get('content-type'), res.text, res.json);
      if (problem) problems.push(problem);
      answered.set(key, problems);
    }
    return res;
  };
  return { answered };
}

interface OpenApi {
  paths: Record<string, Record<string, { operationId?: string; tags?: string[] }>>;
}

/** The routes of the OpenAPI document whose tags include one of `tags`, keyed as RouteKey, with their operation ids. */
export async function routesTagged(baseUrl: string, tags: readonly string[]): Promise<Map<RouteKey, string>> {
  const doc = (await (await fetch(`${baseUrl}/openapi.json`)).json()) as OpenApi;
  const out = new Map<RouteKey, string>();
  for (const [path, ops] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(ops)) {
      if (op.tags?.some((tag) => tags.includes(tag))) out.set(`${method.toUpperCase()} ${path}`, op.operationId ?? '?');
    }
  }
  return out;
}

/** Every route of the family was answered with a 2xx at least once, and every such body was a JSON object. */
export function assertObjectBodies(recorder: BodyRecorder, routes: Map<RouteKey, string>, notJson: readonly RouteKey[] = []): void {
  assert.ok(routes.size > 0, 'the family has routes');
  const missed = [...routes.keys()].filter((r) => !notJson.includes(r) && !recorder.answered.has(r));
  assert.deepEqual(missed, [], 'every route of the family was exercised with a 2xx answer');
  const bad = [...recorder.answered].filter(([route, problems]) => routes.has(route) && problems.length > 0);
  assert.deepEqual(bad, [], 'every 2xx body is a JSON object');
}
