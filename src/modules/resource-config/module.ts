import type { AppContext, FamilyModule } from '#src/context.ts';
import { resourceConfigRoutes } from './routes.ts';
import { ResourceConfigService } from './service.ts';

export type ResourceConfigDeps = Pick<AppContext, 'config' | 'quotaUsage'>;

export function resourceConfigModule(deps: ResourceConfigDeps): FamilyModule {
  const service = new ResourceConfigService(deps.config, deps.quotaUsage);
  return { register: async (app) => void (await app.register(resourceConfigRoutes, { service })) };
}
