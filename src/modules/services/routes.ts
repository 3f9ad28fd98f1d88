import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import type { AppContext } from '#src/context.ts';
import { principal } from '#src/auth/auth-hook.ts';
import { ProjectParams, withErrors } from '#src/core/schemas.ts';
import { modelServiceOf } from '#src/modules/models/context.ts';
import { clusters, specifications } from './pool-views.ts';
import { registerGateway } from './gateway.ts';
import {
  ClustersQuery,
  ClustersResponse,
  CreateServiceRequest,
  CreateServiceResponse,
  EmptyBody,
  EventsQuery,
  EventsResponse,
  ListServicesQuery,
  ListServicesResponse,
  MonitorResponse,
  ServiceDetail,
  ServiceParams,
  SpecificationsQuery,
  SpecificationsResponse,
  UpdateLogsQuery,
  UpdateLogsResponse,
  UpdateServiceRequest,
} from './schemas.ts';
import { ServiceManager } from './service.ts';
import { ServiceReader } from './service-reader.ts';
import { ServiceStore } from './store.ts';

const tags = ['Service Management'];

/** The address clients reached this server at, for access_address. */
function baseUrl(req: FastifyRequest): string {
  return `${req.protocol}://${req.host}`;
}

export const servicesModule: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  const store = new ServiceStore(ctx.database.db);
  const models = modelServiceOf(ctx);
  const pool = ctx.localPool;
  const manager = new ServiceManager(store, models, pool, ctx.clock, ctx.config.dataDir, ctx.objectStore, ctx.buckets, ctx.sandbox, { predictTimeoutMs: ctx.config.inferTimeoutSeconds * 1000 });
  const reader = new ServiceReader(store, manager, ctx.clock);
  models.setUsage(manager);
  ctx.reconcilers.add({ name: 'services', reconcile: () => manager.reconcile() });
  app.addHook('onClose', async () => manager.close());

  app.post(
    '/v1/:project_id/services',
    {
      schema: {
        operationId: 'CreateService',
        tags,
        summary: 'Deploying a Service',
        params: ProjectParams,
        body: CreateServiceRequest,
        response: withErrors({ 200: CreateServiceResponse }),
      },
    },
    (req) => manager.create(principal(req), req.body),
  );

  app.get(
    '/v1/:project_id/services',
    {
      schema: {
        operationId: 'ListServices',
        tags,
        summary: 'Obtaining Services',
        params: ProjectParams,
        querystring: ListServicesQuery,
        response: withErrors({ 200: ListServicesResponse }),
      },
    },
    (req) => reader.list(principal(req), req.query),
  );

  // Registered before /services/:service_id; find-my-way prefers the static segment anyway.
  app.get(
    '/v1/:project_id/services/specifications',
    {
      schema: {
        operationId: 'ShowServiceSpecifications',
        tags,
        summary: 'Obtaining Supported Service Deployment Specifications',
        params: ProjectParams,
        querystring: SpecificationsQuery,
        response: withErrors({ 200: SpecificationsResponse }),
      },
    },
    (req) => specifications(req.query),
  );

  app.get(
    '/v1/:project_id/services/:service_id',
    {
      schema: {
        operationId: 'ShowService',
        tags,
        summary: 'Obtaining Service Details',
        params: ServiceParams,
        response: withErrors({ 200: ServiceDetail }),
      },
    },
    (req) => reader.show(principal(req), req.params.service_id, baseUrl(req)),
  );

  app.put(
    '/v1/:project_id/services/:service_id',
    {
      schema: {
        operationId: 'UpdateService',
        tags,
        summary: 'Updating Service Configurations',
        params: ServiceParams,
        body: UpdateServiceRequest,
        response: withErrors({ 200: EmptyBody }),
      },
    },
    async (req) => {
      await manager.update(principal(req), req.params.service_id, req.body);
      return {};
    },
  );

  app.delete(
    '/v1/:project_id/services/:service_id',
    {
      schema: {
        operationId: 'DeleteService',
        tags,
        summary: 'Deleting a Service',
        params: ServiceParams,
        response: withErrors({ 200: EmptyBody }),
      },
    },
    async (req) => {
      const ids = req.params.service_id.split(',').map((s) => s.trim()).filter(Boolean);
      await manager.delete(principal(req), ids);
      return {};
    },
  );

  app.get(
    '/v1/:project_id/services/:service_id/monitor',
    {
      schema: {
        operationId: 'ShowServiceMonitorInfo',
        tags,
        summary: 'Obtaining Service Monitoring',
        params: ServiceParams,
        response: withErrors({ 200: MonitorResponse }),
      },
    },
    (req) => reader.monitor(principal(req), req.params.service_id),
  );

  app.get(
    '/v1/:project_id/services/:service_id/logs',
    {
      schema: {
        operationId: 'ShowServiceUpdateLogs',
        tags,
        summary: 'Obtaining Service Update Logs',
        params: ServiceParams,
        querystring: UpdateLogsQuery,
        response: withErrors({ 200: UpdateLogsResponse }),
      },
    },
    (req) => reader.updateLogs(principal(req), req.params.service_id, req.query.update_time),
  );

  app.get(
    '/v1/:project_id/services/:service_id/events',
    {
      schema: {
        operationId: 'ShowServiceEvents',
        tags,
        summary: 'Obtaining Service Event Logs',
        params: ServiceParams,
        querystring: EventsQuery,
        response: withErrors({ 200: EventsResponse }),
      },
    },
    (req) => reader.events(principal(req), req.params.service_id, req.query),
  );

  app.get(
    '/v1/:project_id/clusters',
    {
      schema: {
        operationId: 'ListClusters',
        tags,
        summary: 'Obtaining Dedicated Resource Pools',
        params: ProjectParams,
        querystring: ClustersQuery,
        response: withErrors({ 200: ClustersResponse }),
      },
    },
    (req) => clusters(pool, principal(req), req.query),
  );

  registerGateway(app, { manager, store, models, identity: ctx.identity });
};
