import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { principal } from '#src/auth/auth-hook.ts';
import { routeOf } from '#src/http/operation-route.ts';
import { serviceOperations as ops } from '../operations.ts';
import type { ServiceRouteDeps } from './deps.ts';

/** The address clients reached this server at, for access_address. */
function baseUrl(req: FastifyRequest): string {
  return `${req.protocol}://${req.host}`;
}

/** Deploy, list, show, update and delete services. */
export function serviceRoutes(fastify: FastifyInstance, { manager, reader }: Pick<ServiceRouteDeps, 'manager' | 'reader'>): void {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  app.route({
    ...routeOf(ops.CreateService),
    handler: (req) => manager.create(principal(req), req.body),
  });

  app.route({
    ...routeOf(ops.ListServices),
    handler: (req) => reader.list(principal(req), req.query),
  });

  app.route({
    ...routeOf(ops.ShowService),
    handler: (req) => reader.show(principal(req), req.params.service_id, baseUrl(req)),
  });

  app.route({
    ...routeOf(ops.UpdateService),
    handler: async (req) => {
      await manager.update(principal(req), req.params.service_id, req.body);
      return {};
    },
  });

  app.route({
    ...routeOf(ops.DeleteService),
    handler: async (req) => {
      const ids = req.params.service_id
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
      await manager.delete(principal(req), ids);
      return {};
    },
  });
}
