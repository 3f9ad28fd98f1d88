import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { principal } from '#src/auth/auth-hook.ts';
import { routeOf } from '#src/http/operation-route.ts';
import { serviceOperations as ops } from '../operations.ts';
import type { ServiceRouteDeps } from './deps.ts';

/** A service's monitoring, update logs, events and instance logs. */
export function monitoringRoutes(fastify: FastifyInstance, { reader }: Pick<ServiceRouteDeps, 'reader'>): void {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  app.route({
    ...routeOf(ops.ShowServiceMonitorInfo),
    handler: (req) => reader.monitor(principal(req), req.params.service_id),
  });

  app.route({
    ...routeOf(ops.ShowServiceUpdateLogs),
    handler: (req) => reader.updateLogs(principal(req), req.params.service_id, req.query.update_time),
  });

  app.route({
    ...routeOf(ops.ShowServiceEvents),
    handler: (req) => reader.events(principal(req), req.params.service_id, req.query),
  });

  app.route({
    ...routeOf(ops.ShowServiceInstanceLogs),
    handler: (req) => reader.instanceLogs(principal(req), req.params.service_id, req.query),
  });
}
