import {
  canonicalQuery,
  canonicalRequest,
  encodeComponent,
  formatAuthorization,
  formatSdkDate,
  parseQuery,
  signature,
  signedPayloadHash,
  stringToSign,
  type QueryPairs,
} from '#src/auth/canonical-request.ts';
import { clientPath, type Operation, type OperationBody, type OperationParams, type OperationQuery, type OperationResult } from '#src/core/operation.ts';

/** What a caller gives an operation: path parameters, query, body; headers or a raw body for special cases. */
export interface OperationParts<O extends Operation> extends Pick<RequestOptions, 'rawBody' | 'headers' | 'date'> {
  params?: OperationParams<O>;
  query?: OperationQuery<O> | Query;
  body?: OperationBody<O>;
}

export type ClientAuth =
  { kind: 'aksk'; ak: string; sk: string; projectId: string } | { kind: 'token'; token: string; projectId: string } | { kind: 'none'; projectId: string };

export type QueryValue = string | number | boolean | undefined | null | ReadonlyArray<string | number | boolean>;
export type Query = Record<string, QueryValue>;

export interface RequestOptions {
  /** Path parameters besides project_id, substituted for `{name}` and encoded. */
  params?: Record<string, string>;
  query?: Query;
  /** Serialized with JSON.stringify. */
  body?: unknown;
  /** Sent as is (for tests of malformed input); overrides `body`. */
  rawBody?: string | Buffer;
  headers?: Record<string, string>;
  /** Signing time; defaults to now. */
  date?: Date;
}

export interface PreparedRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string | Buffer | undefined;
}

export interface RawResponse {
  status: number;
  headers: Headers;
  text: string;
  /** Parsed JSON body, or undefined when the body is not JSON. */
  json: unknown;
}

/** A 4xx/5xx answer, with the ModelArts error fields. */
export class ApiClientError extends Error {
  constructor(
    readonly status: number,
    readonly errorCode: string | undefined,
    readonly errorMsg: string | undefined,
    readonly requestId: string | null,
    readonly body: unknown,
  ) {
    super(`HTTP ${status} ${errorCode ?? ''}: ${errorMsg ?? ''}`);
    this.name = 'ApiClientError';
  }
}

/** Query pairs the way the SDKs send them: undefined/null dropped, lists as repeated keys. */
export function queryPairs(query: Query = {}): QueryPairs {
  const pairs: QueryPairs = [];
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined || v === null) continue;
    for (const item of Array.isArray(v) ? v : [v]) pairs.push([k, String(item)]);
  }
  return pairs;
}

/** Sends ModelArts requests signed with AK/SK (SDK-HMAC-SHA256) or carrying an X-Auth-Token. */
export class HttpClient {
  readonly endpoint: URL;

  constructor(
    endpoint: string,
    readonly auth: ClientAuth,
  ) {
    this.endpoint = new URL(endpoint);
  }

  get projectId(): string {
    return this.auth.projectId;
  }

  /** Same endpoint, other credentials. */
  withAuth(auth: ClientAuth): HttpClient {
    return new HttpClient(this.endpoint.origin, auth);
  }

  private path(template: string, params: Record<string, string>): string {
    return template.replace(/\{(\w+)\}/g, (_m, name: string) => {
      const value = name === 'project_id' ? this.auth.projectId : params[name];
      if (value === undefined) throw new Error(`missing path parameter ${name}`);
      return encodeComponent(value);
    });
  }

  /**
   * The URL, headers and body of a request, signed or carrying the token, ready to send. A query
   * written into the path (`/v2/{project_id}/datasets?limit=1`) joins `opts.query`: it is signed as
   * a query, not as part of the path.
   */
  prepare(method: string, pathAndQuery: string, opts: RequestOptions = {}): PreparedRequest {
    const q = pathAndQuery.indexOf('?');
    const path = this.path(q < 0 ? pathAndQuery : pathAndQuery.slice(0, q), opts.params ?? {});
    const pairs = [...(q < 0 ? [] : parseQuery(pathAndQuery.slice(q + 1))), ...queryPairs(opts.query)];
    const query = canonicalQuery(pairs);
    const body = opts.rawBody ?? (opts.body === undefined ? undefined : JSON.stringify(opts.body));
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      host: this.endpoint.host,
      'x-project-id': this.auth.projectId,
      ...Object.fromEntries(Object.entries(opts.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v])),
    };
    if (this.auth.kind === 'token') headers['x-auth-token'] = this.auth.token;
    if (this.auth.kind === 'aksk') {
      headers['x-sdk-date'] ??= formatSdkDate(opts.date ?? new Date());
      const signedHeaders = Object.keys(headers)
        .filter((h) => !h.includes('_') && h !== 'authorization')
        .sort();
      const payloadHash = signedPayloadHash(headers, body);
      const canonical = canonicalRequest({ method, rawPath: path, query: pairs, headers, signedHeaders, payloadHash });
      const sig = signature(this.auth.sk, stringToSign(headers['x-sdk-date'], canonical));
      headers.authorization ??= formatAuthorization({ access: this.auth.ak, signedHeaders, signature: sig });
    }
    // fetch sets Host itself, from the URL: the same value that was signed.
    const { host: _host, ...sendHeaders } = headers;
    return { method, url: `${this.endpoint.origin}${path}${query ? `?${query}` : ''}`, headers: sendHeaders, body };
  }

  /** Sends the request and returns whatever came back, error or not. */
  async raw(method: string, pathTemplate: string, opts: RequestOptions = {}): Promise<RawResponse> {
    return this.send(this.prepare(method, pathTemplate, opts));
  }

  async send(req: PreparedRequest): Promise<RawResponse> {
    const res = await fetch(req.url, {
      method: req.method,
      headers: req.headers,
      ...(req.body !== undefined ? { body: typeof req.body === 'string' ? req.body : new Uint8Array(req.body) } : {}),
    });
    const text = await res.text();
    let json: unknown;
    try {
      json = text === '' ? undefined : (JSON.parse(text) as unknown);
    } catch {
      json = undefined;
    }
    return { status: res.status, headers: res.headers, text, json };
  }

  /** Calls an operation of the API (src/core/operation.ts); the parts and the answer are typed by its schemas. */
  op<O extends Operation>(operation: O, parts: OperationParts<O> = {}): Promise<OperationResult<O>> {
    const { params, ...rest } = parts;
    return this.call<OperationResult<O>>(operation.method, clientPath(operation), { ...rest, ...(params ? { params: params as Record<string, string> } : {}) });
  }

  /** Sends the request; resolves with the JSON body on success, rejects with ApiClientError otherwise. */
  async call<T>(method: string, pathTemplate: string, opts: RequestOptions = {}): Promise<T> {
    const res = await this.raw(method, pathTemplate, opts);
    if (res.status >= 400) {
      const b = (res.json ?? {}) as { error_code?: string; error_msg?: string };
      throw new ApiClientError(res.status, b.error_code, b.error_msg, res.headers.get('x-request-id'), res.json);
    }
    return res.json as T;
  }
}
