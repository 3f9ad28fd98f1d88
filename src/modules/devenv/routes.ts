import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { principal } from '#src/auth/auth-hook.ts';
import { routeOf } from '#src/http/operation-route.ts';
import { devenvOperations as ops } from './operations.ts';
import type { DevEnvService } from './service.ts';

/** Where the caller reached Atelier: the instance's url points back at it. */
const origin = (req: FastifyRequest) => `${req.protocol}://${req.host}`;

/** The old DevEnviron API (#101-106). */
export const devenvRoutes: FastifyPluginAsyncTypebox<{ service: DevEnvService }> = async (app, { service }) => {
  app.route({ ...routeOf(ops.CreateDevEnvInstance), handler: async (req) => service.create(principal(req), req.body, origin(req)) });
  app.route({ ...routeOf(ops.ListDevEnvInstances), handler: async (req) => service.list(principal(req), req.query, origin(req)) });
  app.route({ ...routeOf(ops.ShowDevEnvInstance), handler: async (req) => service.show(principal(req), req.params.instance_id, origin(req)) });
  app.route({
    ...routeOf(ops.UpdateDevEnvInstance),
    handler: async (req) => service.update(principal(req), req.params.instance_id, req.body, origin(req)),
  });
  app.route({ ...routeOf(ops.DeleteDevEnvInstance), handler: async (req) => service.delete(principal(req), req.params.instance_id, origin(req)) });
  app.route({
    ...routeOf(ops.ManageDevEnvInstance),
    handler: async (req) => service.action(principal(req), req.params.instance_id, req.body.action, origin(req)),
  });
};
