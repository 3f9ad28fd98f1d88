import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { principal } from '#src/auth/auth-hook.ts';
import { sendCachedJson } from '#src/http/cached-json.ts';
import { routeOf } from '#src/http/operation-route.ts';
import { authorizationOperations as ops } from './operations.ts';
import type { AuthorizationService } from './service.ts';

export const authorizationRoutes: FastifyPluginAsyncTypebox<{ service: AuthorizationService }> = async (app, { service }) => {
  app.route({
    ...routeOf(ops.GetAuthorizations),
    // A cached page is answered synchronously, without a promise, with the JSON it was sent as before.
    handler: (req, reply) => {
      const caller = principal(req);
      const page = service.cachedList(caller, req.query);
      if (!page) return service.list(caller, req.query);
      sendCachedJson(reply, page);
      return undefined;
    },
  });

  app.route({
    ...routeOf(ops.CreateAuthorization),
    handler: async (req) => {
      await service.configure(principal(req), req.body);
      return { result: 'true' };
    },
  });

  app.route({
    ...routeOf(ops.DeleteAuthorizations),
    handler: async (req) => {
      await service.remove(principal(req), req.query.user_id);
      return { result: 'true' };
    },
  });

  app.route({
    ...routeOf(ops.CreateModelArtsAgency),
    handler: async (req) => ({ agency_name: await service.createAgency(principal(req), req.body?.agency_name_suffix) }),
  });
};
