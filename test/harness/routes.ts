// The app's route table, as Fastify registered it (read through the response check's onRoute hook),
// and requests to any route with ids filled into its path.
import { encodeComponent } from '#src/auth/canonical-request.ts';
import type { AtelierClient, RawResponse } from '#src/client/index.ts';
import type { ResponseCheck } from '#src/http/response-check.ts';
import type { FlowCall, Ids } from './flow.ts';

export interface Route {
  method: string;
  /** The path as the spec writes it: /v2/{project_id}/datasets/{dataset_id}. */
  path: string;
  operationId: string;
  /** Path parameters in order (`*` for the rest of a path). */
  params: string[];
  public: boolean;
  /** Left out of the OpenAPI document: health, metrics, the document itself, /docs. */
  hidden: boolean;
}

export const routeKey = (r: { method: string; path: string }): string => `${r.method} ${r.path}`;

/** Every route of the app but HEAD, with its path in the spec's form. */
export function routeTable(check: ResponseCheck): Route[] {
  return check.routes.map((r) => {
    const path = r.url.replace(/:(\w+)/g, '{$1}').replace(/\*$/, '{*}');
    return {
      method: r.method,
      path,
      operationId: r.operationId ?? routeKey({ method: r.method, path }),
      params: [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!),
      public: r.public,
      hidden: r.hidden,
    };
  });
}

/** The path with each parameter taken from `values` (an unknown one is an error naming it). */
export function fillPath(route: Route, values: Record<string, string>): string {
  return route.path.replace(/\{([^}]+)\}/g, (_m, name: string) => {
    const v = values[name];
    if (v === undefined)
      throw new UnfilledPath(`${route.operationId}: no value for path parameter {${name}}; add the resource to test/harness/flow.ts Ids and seed.ts`);
    return name === '*' ? v.split('/').map(encodeComponent).join('/') : encodeComponent(v);
  });
}

export interface Sent {
  route: Route;
  call: FlowCall;
  url: string;
  status: number;
  json: unknown;
  text: string;
}

/** A request the harness could not build: a path parameter no seeded resource fills. */
export class UnfilledPath extends Error {}

/** Sends the call to the route as the client, with the ids (and the call's own params) in the path. */
export async function send(client: AtelierClient, route: Route, call: FlowCall, ids: Ids, projectId = client.projectId): Promise<Sent> {
  const values: Record<string, string> = { ...(ids as unknown as Record<string, string>), ...call.params, project_id: projectId };
  const path = fillPath(route, values);
  const res: RawResponse = await client.http.raw(route.method, path, {
    ...(call.query ? { query: call.query } : {}),
    ...(call.body !== undefined ? { body: call.body } : {}),
  });
  return { route, call, url: `${route.method} ${path}`, status: res.status, json: res.json, text: res.text };
}

/** One line for a report: what was sent and what came back. */
export function describeSent(s: Sent): string {
  const body = s.call.body === undefined ? '' : ` body=${JSON.stringify(s.call.body).slice(0, 200)}`;
  const query = s.call.query ? ` query=${JSON.stringify(s.call.query)}` : '';
  return `${s.route.operationId} ${s.url}${query}${body} -> ${s.status} ${s.text.slice(0, 240)}`;
}
