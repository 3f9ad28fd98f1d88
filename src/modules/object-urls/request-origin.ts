import type { FastifyRequest } from 'fastify';
import type { UrlOrigin } from './object-urls.ts';

/** `scheme://host` as the client addressed this request (its Host header), for the URLs of the answer. */
export function requestOrigin(req: FastifyRequest): UrlOrigin {
  return `${req.protocol}://${req.host || 'localhost'}`;
}
