import { join } from 'node:path';
import type { AppContext, FamilyModule } from '#src/context.ts';
import { loadMasterKey } from '#src/auth/secret-box.ts';
import { ObjectUrls } from './object-urls.ts';
import { objectUrlRoutes } from './routes.ts';
import { ThumbnailCache } from './thumbnails.ts';
import { UrlSigner } from './url-signer.ts';

export type ObjectUrlsDeps = Pick<AppContext, 'config' | 'objectStore' | 'clock'>;

/**
 * The object URLs of this server: signed with a key derived from the master key, living
 * config.objectUrlTtlSeconds. `urls` is what the families that put URLs on the wire use.
 */
export function objectUrlsModule(deps: ObjectUrlsDeps): FamilyModule & { urls: ObjectUrls } {
  const signer = new UrlSigner(loadMasterKey(deps.config.dataDir, deps.config.masterKey));
  const thumbnails = new ThumbnailCache(join(deps.config.dataDir, 'cache', 'thumbnails'), deps.objectStore);
  const urls = new ObjectUrls(signer, deps.config.objectUrlTtlSeconds, deps.clock, deps.objectStore, thumbnails);
  return { urls, register: async (app) => void (await app.register(objectUrlRoutes, { urls })) };
}
