import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { principal } from '#src/auth/auth-hook.ts';
import { routeOf } from '#src/http/operation-route.ts';
import { resourceConfigOperations as ops } from './operations.ts';
import type { ResourceConfigService } from './service.ts';

export const resourceConfigRoutes: FastifyPluginAsyncTypebox<{ service: ResourceConfigService }> = async (app, { service }) => {
  app.route({
    ...routeOf(ops.ShowOsConfig),
    handler: async () => service.osUserConfig(),
  });

  app.route({
    ...routeOf(ops.ShowOsQuota),
    handler: async (req) => service.quotas(principal(req).projectId),
  });
};
