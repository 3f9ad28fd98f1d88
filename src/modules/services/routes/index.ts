import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { ServiceRouteDeps } from './deps.ts';
import { gatewayRoutes } from './gateway-routes.ts';
import { monitoringRoutes } from './monitoring-routes.ts';
import { poolRoutes } from './pool-routes.ts';
import { serviceRoutes } from './service-routes.ts';

/** The services family's routes, in one plugin: the gateway's multipart parser applies to all of them, as it always has. */
export const servicesRoutes: FastifyPluginAsyncTypebox<ServiceRouteDeps> = async (app, deps) => {
  serviceRoutes(app, deps);
  poolRoutes(app, deps);
  monitoringRoutes(app, deps);
  gatewayRoutes(app, deps);
};
