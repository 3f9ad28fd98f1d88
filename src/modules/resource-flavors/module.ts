import type { AppContext, FamilyModule } from '#src/context.ts';
import { resourceFlavorRoutes } from './routes.ts';
import { ResourceFlavorService } from './service.ts';

export type ResourceFlavorDeps = Pick<AppContext, 'config' | 'localPool'>;

/** The resource flavors of this host (#156): slices of the local pool, the same as the training and notebook flavors. */
export function resourceFlavorsModule(deps: ResourceFlavorDeps): FamilyModule {
  const service = new ResourceFlavorService(deps.localPool, deps.config.dataDir);
  return { register: async (app) => void (await app.register(resourceFlavorRoutes, { service })) };
}
