import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { principal } from '#src/auth/auth-hook.ts';
import { routeOf } from '#src/http/operation-route.ts';
import { serviceOperations as ops } from '../operations.ts';
import { clusters, specifications } from '../pool-views.ts';
import type { ServiceRouteDeps } from './deps.ts';

/** What this host can serve: deployment specifications and its one pool. */
export function poolRoutes(fastify: FastifyInstance, { pool, manager }: Pick<ServiceRouteDeps, 'pool' | 'manager'>): void {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  // A static segment: find-my-way prefers it to /services/:service_id.
  app.route({
    ...routeOf(ops.ShowServiceSpecifications),
    handler: (req) => specifications(manager.flavors, req.query),
  });

  app.route({
    ...routeOf(ops.ListClusters),
    handler: (req) => clusters(pool, manager.flavors.onCluster, principal(req), req.query),
  });
}
