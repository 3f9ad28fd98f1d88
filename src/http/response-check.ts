import { Ajv2019, type ErrorObject, type ValidateFunction } from 'ajv/dist/2019.js';
import addFormatsModule from 'ajv-formats';
import type { FastifyInstance, FastifyReply, FastifyRequest, HookHandlerDoneFunction, RouteOptions } from 'fastify';
import { apiError } from '#src/core/errors.ts';

// ajv-formats is CommonJS; its default export arrives wrapped under ESM interop.
const addFormats = addFormatsModule as unknown as (ajv: Ajv2019) => Ajv2019;

/** One route as it was registered: the route table the test harness reads. */
export interface RouteEntry {
  method: string;
  url: string;
  operationId: string | undefined;
  /** The route's schemas (params, querystring, body, response), as given to Fastify. */
  schema: RouteOptions['schema'];
  public: boolean;
  /** Left out of the OpenAPI document (health, metrics, the document itself, /docs). */
  hidden: boolean;
}

/** A 2xx answer that does not match its route's response schema, or is no JSON object. */
export interface ShapeViolation {
  operationId: string;
  method: string;
  /** The route's URL pattern, e.g. /v2/{project_id}/algorithms/{algorithm_id}. */
  route: string;
  /** The URL requested. */
  url: string;
  status: number;
  /** Where in the body: a JSON pointer, '' for the whole body. */
  path: string;
  problem: string;
}

export interface ResponseCheckOptions {
  /** Answer a violating response with a 500 naming the violation, instead of only recording it. */
  fail?: boolean;
}

type Done = HookHandlerDoneFunction;

/**
 * An opt-in check for tests: every 2xx payload is validated against its route's response schema,
 * treated as closed (an object schema that lists properties allows no others unless it says so),
 * before serialization — the serializer would silently drop undeclared fields and coerce types —
 * and every 2xx body on the wire must be a JSON object (never null, an array, a scalar or empty).
 * Attach it to the app before any route is registered (BuildOptions.responseCheck).
 */
export class ResponseCheck {
  readonly routes: RouteEntry[] = [];
  readonly violations: ShapeViolation[] = [];
  /** How many 2xx answers were checked, per "METHOD route". */
  readonly checked = new Map<string, number>();
  private readonly ajv: Ajv2019;

  constructor(readonly options: ResponseCheckOptions = {}) {
    this.ajv = new Ajv2019({ allErrors: true, strict: false, coerceTypes: false, useDefaults: false, removeAdditional: false, validateFormats: true });
    addFormats(this.ajv);
  }

  attach(app: FastifyInstance): void {
    app.addHook('onRoute', (route) => {
      const schema = route.schema;
      const config = route.config as { public?: boolean; passThrough?: boolean } | undefined;
      const hidden = schema?.hide === true || route.url.startsWith('/docs');
      for (const method of [route.method].flat()) {
        if (method === 'HEAD') continue;
        this.routes.push({ method, url: route.url, operationId: schema?.operationId, schema, public: config?.public === true, hidden });
      }
      if (hidden) return;
      if (config?.passThrough === true) {
        const counted = (req: FastifyRequest, _reply: FastifyReply, _payload: unknown, done: Done): void => {
          this.count(req);
          done();
        };
        route.onSend = [counted, ...hooks(route.onSend)];
        return;
      }
      const responses = (schema?.response ?? {}) as Record<string, unknown>;
      const validators = new Map<number, ValidateFunction | null>();
      const validatorFor = (status: number): ValidateFunction | null => {
        if (!validators.has(status)) {
          const declared = responses[String(status)] ?? responses[`${String(status)[0]}xx`] ?? responses.default;
          validators.set(status, declared === undefined ? null : this.ajv.compile(closed(plain(declared)) as object));
        }
        return validators.get(status) ?? null;
      };
      const operationId = schema?.operationId ?? `${[route.method].flat().join(',')} ${route.url}`;
      const checkedPayload = new WeakSet<FastifyRequest>();

      const beforeSerialization = (req: FastifyRequest, reply: FastifyReply, payload: unknown, done: Done): void => {
        const status = reply.statusCode;
        if (status < 200 || status >= 300) return done();
        checkedPayload.add(req);
        if (status === 204) return this.settle(req, reply, [], done);
        const validate = validatorFor(status);
        const found = validate === null ? [violation(req, reply, '', `no response schema declared for ${status}`)] : [];
        if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
          found.push(violation(req, reply, '', `body is ${describe(payload)}, not a JSON object`));
        } else if (validate !== null && !validate(payload)) {
          for (const e of validate.errors ?? []) found.push(violation(req, reply, pointer(e), problem(e, payload)));
        }
        this.settle(req, reply, found, done);
      };

      const onTheWire = (req: FastifyRequest, reply: FastifyReply, payload: unknown, done: Done): void => {
        const status = reply.statusCode;
        if (status < 200 || status >= 300 || checkedPayload.has(req)) return done();
        // 204 carries no body by definition; the SDKs read it as {}.
        if (status === 204) return this.settle(req, reply, [], done);
        const type = String(reply.getHeader('content-type') ?? '');
        const text = typeof payload === 'string' ? payload : Buffer.isBuffer(payload) ? payload.toString('utf8') : undefined;
        const found: ShapeViolation[] = [];
        if (payload === null || payload === undefined || text === '') {
          found.push(violation(req, reply, '', 'empty body; send {} where the spec shows none'));
        } else if (text !== undefined && (type.includes('json') || type === '')) {
          let body: unknown;
          try {
            body = JSON.parse(text);
          } catch {
            found.push(violation(req, reply, '', `not JSON: ${text.slice(0, 60)}`));
          }
          if (found.length === 0 && (typeof body !== 'object' || body === null || Array.isArray(body))) {
            found.push(violation(req, reply, '', `body is ${describe(body)}, not a JSON object`));
          }
          const validate = validatorFor(status);
          if (validate === null) found.push(violation(req, reply, '', `no response schema declared for ${status}`));
          else if (found.length === 0 && !validate(body)) {
            for (const e of validate.errors ?? []) found.push(violation(req, reply, pointer(e), problem(e, body)));
          }
        } else {
          // A file or a stream (a log download, an inference answer): only its route's schema speaks for it.
          if (validatorFor(status) !== null) found.push(violation(req, reply, '', `declared as JSON, sent ${type || 'a stream'}`));
          else this.count(req);
        }
        this.settle(req, reply, found, done);
      };

      route.preSerialization = [...hooks(route.preSerialization), beforeSerialization];
      route.onSend = [onTheWire, ...hooks(route.onSend)];

      const violation = (req: FastifyRequest, reply: FastifyReply, path: string, what: string): ShapeViolation => ({
        operationId,
        method: req.method,
        route: route.url,
        url: req.url,
        status: reply.statusCode,
        path,
        problem: what,
      });
    });
  }

  /** Forgets the violations and counts recorded so far (the route table stays). */
  reset(): void {
    this.violations.length = 0;
    this.checked.clear();
  }

  private count(req: FastifyRequest): void {
    const key = `${req.method} ${req.routeOptions.url ?? ''}`;
    this.checked.set(key, (this.checked.get(key) ?? 0) + 1);
  }

  private settle(req: FastifyRequest, _reply: FastifyReply, found: ShapeViolation[], done: Done): void {
    this.count(req);
    if (found.length === 0) return done();
    this.violations.push(...found);
    if (!this.options.fail) return done();
    const first = found[0]!;
    done(apiError(500, 'ModelArts.0010', `response check: ${first.operationId} ${first.status} ${first.path || '(body)'}: ${first.problem}`));
  }
}

/** A schema as plain JSON (TypeBox's symbols and any $id dropped, so Ajv compiles each on its own). */
function plain(schema: unknown): unknown {
  return JSON.parse(JSON.stringify(schema), (key, value: unknown) => (key === '$id' ? undefined : value));
}

/**
 * The schema made exact: an object schema listing properties allows no others, unless it says
 * what others may be. An allOf's branches stay open (each sees only its own properties); the allOf
 * as a whole is closed unless one branch admits any name.
 */
function closed(schema: unknown, inAllOf = false): unknown {
  if (Array.isArray(schema)) return schema.map((s) => closed(s, inAllOf));
  if (typeof schema !== 'object' || schema === null) return schema;
  const s = schema as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(s)) {
    if (k === 'allOf') out[k] = (v as unknown[]).map((b) => closed(b, true));
    else if (k === 'properties' || k === 'patternProperties' || k === '$defs' || k === 'definitions') {
      out[k] = Object.fromEntries(Object.entries(v as Record<string, unknown>).map(([name, sub]) => [name, closed(sub)]));
    } else if (k === 'enum' || k === 'const' || k === 'examples' || k === 'default' || k === 'required') out[k] = v;
    else out[k] = closed(v);
  }
  const open = 'additionalProperties' in s || 'patternProperties' in s || 'unevaluatedProperties' in s;
  const listsProperties = typeof s.properties === 'object' && s.properties !== null && Object.keys(s.properties).length > 0;
  if (!inAllOf && !open && listsProperties) out.additionalProperties = false;
  if (Array.isArray(s.allOf) && !open) {
    const anyName = (s.allOf as Record<string, unknown>[]).some((b) => 'additionalProperties' in b || 'patternProperties' in b);
    if (!anyName) out.unevaluatedProperties = false;
  }
  return out;
}

function pointer(e: ErrorObject): string {
  const extra =
    e.keyword === 'additionalProperties' || e.keyword === 'unevaluatedProperties'
      ? String(e.params.additionalProperty ?? e.params.unevaluatedProperty)
      : e.keyword === 'required'
        ? String(e.params.missingProperty)
        : undefined;
  return extra === undefined ? e.instancePath : `${e.instancePath}/${extra}`;
}

function at(data: unknown, path: string): unknown {
  let v = data;
  for (const part of path.split('/').slice(1)) {
    const key = part.replace(/~1/g, '/').replace(/~0/g, '~');
    v = typeof v === 'object' && v !== null ? (v as Record<string, unknown>)[key] : undefined;
  }
  return v;
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'string') return `the string ${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}...` : v)}`;
  if (typeof v === 'object') return 'an object';
  return `the ${typeof v} ${String(v)}`;
}

function problem(e: ErrorObject, data: unknown): string {
  switch (e.keyword) {
    case 'additionalProperties':
    case 'unevaluatedProperties':
      return 'undeclared field';
    case 'required':
      return 'missing required field';
    case 'type':
      return `is ${describe(at(data, e.instancePath))}, the schema says ${String(e.params.type)}`;
    case 'enum':
      return `is ${describe(at(data, e.instancePath))}, not one of ${JSON.stringify(e.params.allowedValues)}`;
    default:
      return `${e.message ?? e.keyword} (${describe(at(data, e.instancePath))})`;
  }
}

function hooks<T>(value: T | T[] | undefined): T[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

/**
 * The check asked for by ATELIER_TEST_RESPONSE_CHECK (tests only; test apps default to `fail`):
 * `fail` answers a violating response with a 500, `record` only records, `off` checks nothing.
 */
export function responseCheckFromEnv(value: string | undefined): ResponseCheck | undefined {
  if (value === 'fail') return new ResponseCheck({ fail: true });
  if (value === 'record') return new ResponseCheck();
  return undefined;
}

/** The violations as lines "<operationId> <status> <path>: <problem>", each once. */
export function violationLines(violations: readonly ShapeViolation[]): string[] {
  return [...new Set(violations.map((v) => `${v.operationId} ${v.status} ${v.path || '(body)'}: ${v.problem}`))].sort();
}
