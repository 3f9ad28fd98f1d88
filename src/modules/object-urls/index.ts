// Signed object URLs: what other families use to put fetchable URLs on the wire (sample sources,
// previews), and the public route that serves them. A folder of its own rather than part of http/
// (transport only) or storage/ (the object store port): it has a route, a service other families
// call, a signing key and a thumbnail cache, as a family does.
import { join } from 'node:path';
import type { FastifyRequest } from 'fastify';
import type { AppContext } from '#src/context.ts';
import { loadMasterKey } from '#src/auth/secret-box.ts';
import { ObjectUrls, type UrlOrigin } from './object-urls.ts';
import { ThumbnailCache } from './thumbnails.ts';
import { UrlSigner } from './url-signer.ts';

export { ObjectUrls, type UrlOrigin } from './object-urls.ts';
export { PREVIEW_PROCESS, parseImageProcess } from './image-process.ts';
export { objectUrlRoutes } from './routes.ts';

/** The object URLs of this server: signed with a key derived from the master key, living config.objectUrlTtlSeconds. */
export function createObjectUrls(ctx: AppContext): ObjectUrls {
  const signer = new UrlSigner(loadMasterKey(ctx.config.dataDir, ctx.config.masterKey));
  const thumbnails = new ThumbnailCache(join(ctx.config.dataDir, 'cache', 'thumbnails'), ctx.objectStore);
  return new ObjectUrls(signer, ctx.config.objectUrlTtlSeconds, ctx.clock, ctx.objectStore, thumbnails);
}

/** `scheme://host` as the client addressed this request (its Host header), for the URLs of the answer. */
export function requestOrigin(req: FastifyRequest): UrlOrigin {
  return `${req.protocol}://${req.host || 'localhost'}`;
}
