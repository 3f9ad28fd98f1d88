import { performance } from 'node:perf_hooks';
import type { FastifyInstance, FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import type { RequestAuth } from '#src/auth/auth-hook.ts';
import { errors } from '#src/core/errors.ts';
import { defaultEmptyBody } from './body-parsers.ts';
import type { RequestMetrics } from './metrics.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** performance.now() when the route's first hook ran; the latency metric counts from here. */
    startedAt: number;
  }
}

type Done = HookHandlerDoneFunction;

/**
 * What every request goes through: an X-Request-Id, authentication unless the route is public,
 * the signature check, and the request metrics. Each route gets its own hooks when it is added, so
 * they know the route without asking Fastify per request (request.routeOptions builds an object on
 * every read), and a GET, whose body Fastify never reads, is verified in its first and only hook.
 * The hooks take the callback form; an async hook would cost a promise per request.
 */
export function registerRequestHooks(app: FastifyInstance, auth: RequestAuth, metrics: RequestMetrics): void {
  app.decorateRequest('startedAt', 0);

  const begin = (req: FastifyRequest, reply: FastifyReply): void => {
    req.startedAt = performance.now();
    reply.header('X-Request-Id', req.id);
  };
  const publicRoute = (req: FastifyRequest, reply: FastifyReply, done: Done): void => {
    begin(req, reply);
    done();
  };
  // authenticate() throws (Fastify turns that into the error reply) or returns a promise when it had to wait.
  const verifyThen = (req: FastifyRequest, done: Done): void => {
    try {
      auth.verify(req, false);
    } catch (e) {
      done(e instanceof Error ? e : new Error(String(e)));
      return;
    }
    done();
  };
  const signedBodyless = (req: FastifyRequest, reply: FastifyReply, done: Done): void => {
    begin(req, reply);
    const waiting = auth.authenticate(req);
    if (waiting) waiting.then(() => verifyThen(req, done), done);
    else verifyThen(req, done);
  };
  const signed = (req: FastifyRequest, reply: FastifyReply, done: Done): void => {
    begin(req, reply);
    const waiting = auth.authenticate(req);
    if (waiting) waiting.then(() => done(), done);
    else done();
  };

  app.addHook('onRoute', (route) => {
    const open = route.config?.public === true || route.url.startsWith('/docs');
    const bodyless = [route.method].flat().every((m) => m === 'GET' || m === 'HEAD');
    route.onRequest = [open ? publicRoute : bodyless ? signedBodyless : signed, ...hooks(route.onRequest)];
    if (!bodyless) {
      const withBodySchema = route.schema?.body !== undefined;
      const streamBody = route.config?.streamBody === true;
      const afterBody = (req: FastifyRequest, _reply: FastifyReply, done: Done): void => {
        if (withBodySchema) defaultEmptyBody(req);
        auth.verify(req, streamBody);
        done();
      };
      route.preValidation = [afterBody, ...hooks(route.preValidation)];
    }
    const operationId = route.schema?.operationId ?? '';
    const record = metrics.recorder(route.url, operationId);
    // The operation id is also what the request's log line names (request-log.ts).
    const observe = (req: FastifyRequest, reply: FastifyReply, _payload: unknown, done: Done): void => {
      req.operationId = operationId;
      record(req.method, reply.statusCode, (performance.now() - req.startedAt) / 1000);
      done();
    };
    route.onSend = [...hooks(route.onSend), observe];
  });

  // A request no route matches gets none of the above: its context has no hooks of its own to add.
  // It is timed from the not-found handler's first step until its reply is written.
  const recordUnmatched = metrics.recorder('unmatched', '');
  const beginUnmatched = (req: FastifyRequest, reply: FastifyReply, done: Done): void => {
    begin(req, reply);
    reply.raw.once('finish', () => recordUnmatched(req.method, reply.statusCode, (performance.now() - req.startedAt) / 1000));
    done();
  };
  // Thrown, so the error handler renders it like every other failure.
  app.setNotFoundHandler({ preValidation: beginUnmatched }, (req) => {
    throw errors.routeNotFound(req.method, req.url.split('?')[0] ?? '');
  });
}

/** A route option's hooks as an array (a route may give one function, several, or none). */
function hooks<T>(value: T | T[] | undefined): T[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}
