import type { AppContext, FamilyModule } from '#src/context.ts';
import { kubeTarget } from '#src/modules/training-jobs/index.ts';
import type { Logger } from '#src/runtime/logger.ts';
import { ClusterFlavorSource } from './cluster-flavors.ts';
import { hostFlavorSource } from './host-flavors.ts';
import { resourceFlavorRoutes } from './routes.ts';
import { ResourceFlavorService } from './service.ts';

export type ResourceFlavorDeps = Pick<AppContext, 'config' | 'localPool'> & { log: Logger };

/**
 * The resource flavors (#156): slices of the local pool, the same as the training and notebook flavors; on the
 * kubernetes executor, slices of the cluster's nodes.
 */
export function resourceFlavorsModule(deps: ResourceFlavorDeps): FamilyModule {
  const host = hostFlavorSource(deps.localPool);
  const source = deps.config.executor === 'kubernetes' ? new ClusterFlavorSource(kubeTarget(deps.config).kc, host, deps.log) : host;
  const service = new ResourceFlavorService(source, deps.config.dataDir);
  return { register: async (app) => void (await app.register(resourceFlavorRoutes, { service })) };
}
