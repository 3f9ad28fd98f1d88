// One operation of the API: its id (as in spec/INDEX.md), method, path and schemas. The same
// object registers the route (src/http/operation-route.ts) and types the client's call
// (src/client/http-client.ts), so neither restates a path or a field list.
import type { Static, TSchema } from 'typebox';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface Operation {
  /** The spec's operation id, e.g. ListDatasets. */
  id: string;
  method: HttpMethod;
  /** The route path, with `:name` for path parameters (`/v2/:project_id/datasets`). */
  path: string;
  tags: readonly string[];
  summary: string;
  params?: TSchema;
  querystring?: TSchema;
  body?: TSchema;
  /** The success answers by status; the common error answers are added when routes are registered. */
  responses: Record<number, TSchema>;
}

/** Declares an operation, keeping its exact schema types for the route and the client. */
export function operation<const O extends Operation>(op: O): O {
  return op;
}

type SuccessSchema<O extends Operation> = O['responses'] extends { 200: infer S }
  ? S
  : O['responses'] extends { 201: infer S }
    ? S
    : O['responses'] extends { 202: infer S }
      ? S
      : O['responses'] extends { 204: infer S }
        ? S
        : never;

/** The JSON body of the operation's success answer. */
export type OperationResult<O extends Operation> = SuccessSchema<O> extends TSchema ? Static<SuccessSchema<O>> : never;
/** Request parts as a client sends them (query values optional: the server applies defaults). */
export type OperationBody<O extends Operation> = O['body'] extends TSchema ? Static<O['body']> : never;
export type OperationQuery<O extends Operation> = O['querystring'] extends TSchema ? Partial<Static<O['querystring']>> : never;
/** Path parameters besides project_id, which the client fills in from its credentials. */
export type OperationParams<O extends Operation> = O['params'] extends TSchema ? Omit<Static<O['params']>, 'project_id'> : never;

/** The client's form of the path: `/v2/{project_id}/datasets`. */
export function clientPath(op: Operation): string {
  return op.path.replace(/:(\w+)/g, '{$1}');
}
