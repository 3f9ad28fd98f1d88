import type { FastifyInstance } from 'fastify';
import type { RequestAuth } from '#src/auth/auth-hook.ts';
import { defaultEmptyBody } from './body-parsers.ts';

/**
 * The hooks every request runs, one per phase: each Fastify hook costs every request a step of
 * its own, so the phases call plain functions instead. They take the callback form; an async hook
 * would cost a promise per request.
 */
export function registerRequestHooks(app: FastifyInstance, auth: RequestAuth): void {
  app.addHook('onRequest', (req, reply, done) => {
    reply.header('X-Request-Id', req.id);
    // authenticate() throws (Fastify turns that into the error reply) or returns a promise when it had to wait.
    const waiting = auth.authenticate(req);
    if (waiting) waiting.then(() => done(), done);
    else done();
  });
  app.addHook('preValidation', (req, _reply, done) => {
    defaultEmptyBody(req);
    auth.verify(req);
    done();
  });
}
