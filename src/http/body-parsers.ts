import type { FastifyInstance, FastifyRequest } from 'fastify';
import { errors } from '#src/core/errors.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** The body exactly as received; the AK/SK signature is computed over these bytes. */
    rawBody: Buffer | undefined;
  }
}

/**
 * JSON bodies are read as raw bytes (kept for signature checks) and parsed here, so an empty body
 * (the Node SDK sends DELETE with a JSON content type and no body) is simply "no body", which a
 * route with a body schema sees as {}. Other media types are refused here; a family that accepts
 * one (multipart uploads, say) registers its own parser in its plugin.
 */
export function registerBodyParsers(app: FastifyInstance, bodyLimit: number): void {
  app.removeAllContentTypeParsers();
  // application/merge-patch+json (RFC 7396) is JSON too: PatchNetwork's spec names it.
  app.addContentTypeParser(['application/json', 'application/merge-patch+json'], { parseAs: 'buffer', bodyLimit }, (req, body: Buffer, done) => {
    req.rawBody = body;
    if (body.length === 0) return done(null, undefined);
    try {
      done(null, JSON.parse(body.toString('utf8')) as unknown);
    } catch (e) {
      done(errors.invalidJson(e instanceof Error ? e.message : 'malformed JSON'), undefined);
    }
  });
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit }, (req, body: Buffer, done) => {
    req.rawBody = body;
    if (body.length === 0) return done(null, undefined);
    done(errors.badParam(`header.content-type ${req.headers['content-type'] ?? '(none)'} is not supported; send application/json`), undefined);
  });
  app.decorateRequest('rawBody', undefined);
}

/** For a route with a body schema: a missing body is {} (GET and HEAD requests have none). */
export function defaultEmptyBody(req: FastifyRequest): void {
  if (req.body === undefined && req.method !== 'GET' && req.method !== 'HEAD') req.body = {};
}
