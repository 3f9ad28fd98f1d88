import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance, FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';

/** One successful call of an operation as it went over the wire: what the API reference shows as its example. */
export interface RecordedExchange {
  operationId: string;
  /** Path parameters and query string as the client sent them. */
  params: Record<string, string>;
  query: Record<string, string>;
  /** The JSON body as sent, before validation filled in defaults; absent for a bodiless request. */
  request?: unknown;
  status: number;
  response: unknown;
}

/** Bodies larger than this make poor examples; such calls are not recorded. */
const MAX_BODY_CHARS = 6000;
/** Calls kept per operation and app: enough for a choice, bounded for long suites. */
const MAX_PER_OPERATION = 12;
const SECRET_KEY = /password|secret|^sk$|token$/i;

/** Secrets in a recorded body are replaced, so the reference never shows a test's credentials (8 characters: the shortest password a schema takes). */
function redacted(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redacted);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, SECRET_KEY.test(k) && typeof v === 'string' ? '********' : redacted(v)]));
}

const strings = (value: unknown): Record<string, string> =>
  typeof value === 'object' && value !== null ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, String(v)])) : {};

/**
 * Tests only (ATELIER_TEST_RECORD_EXAMPLES): records the successful JSON calls of every documented
 * operation, for `npm run openapi:examples` to choose the API reference's examples from. Attach it
 * before any route is registered; `flush` writes what the app saw to one file of the directory.
 */
export class ExampleRecorder {
  private readonly seen: RecordedExchange[] = [];
  private readonly counts = new Map<string, number>();
  private readonly sentBodies = new WeakMap<FastifyRequest, unknown>();

  constructor(private readonly dir: string) {}

  attach(app: FastifyInstance): void {
    app.addHook('onRoute', (route) => {
      const operationId = route.schema?.operationId;
      if (operationId === undefined || route.schema?.hide === true) return;
      const keepBody = (req: FastifyRequest, _reply: FastifyReply, done: HookHandlerDoneFunction): void => {
        if (req.body !== undefined && !Buffer.isBuffer(req.body)) this.sentBodies.set(req, structuredClone(req.body));
        done();
      };
      const record = (req: FastifyRequest, reply: FastifyReply, payload: unknown, done: HookHandlerDoneFunction): void => {
        this.record(operationId, req, reply, payload);
        done();
      };
      route.preValidation = [keepBody, ...[route.preValidation ?? []].flat()];
      route.onSend = [record, ...[route.onSend ?? []].flat()];
    });
  }

  private record(operationId: string, req: FastifyRequest, reply: FastifyReply, payload: unknown): void {
    const count = this.counts.get(operationId) ?? 0;
    if (reply.statusCode < 200 || reply.statusCode >= 300 || count >= MAX_PER_OPERATION) return;
    if (!String(reply.getHeader('content-type') ?? '').includes('json') || typeof payload !== 'string' || payload.length > MAX_BODY_CHARS) return;
    const request = this.sentBodies.get(req);
    if (request !== undefined && JSON.stringify(request).length > MAX_BODY_CHARS) return;
    let response: unknown;
    try {
      response = JSON.parse(payload);
    } catch {
      return;
    }
    this.counts.set(operationId, count + 1);
    this.seen.push({
      operationId,
      params: strings(req.params),
      query: Object.fromEntries(new URL(req.url, 'http://localhost').searchParams),
      ...(request === undefined ? {} : { request: redacted(request) }),
      status: reply.statusCode,
      response: redacted(response),
    });
  }

  /** Writes the calls seen so far to a file of its own in the directory (several test processes share it). */
  flush(): void {
    if (this.seen.length === 0) return;
    const file = join(this.dir, `${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2, 8)}.json`);
    writeFileSync(file, JSON.stringify(this.seen));
    this.seen.length = 0;
  }
}
