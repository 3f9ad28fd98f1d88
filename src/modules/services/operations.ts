import { ErrorBody, ProjectParams } from '#src/core/schemas.ts';
import type { TSchema } from 'typebox';
import { operation } from '#src/core/operation.ts';
import {
  ClustersQuery,
  ClustersResponse,
  CreateServiceRequest,
  CreateServiceResponse,
  DeleteServiceParams,
  EmptyBody,
  EventsQuery,
  EventsResponse,
  InferAnswer,
  InferParams,
  InferPathParams,
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
import { InstanceLogsQuery, InstanceLogsResponse } from './instance-log-schemas.ts';

const tags = ['Service Management'];

/** A call of an Image model's api declared with another method than POST, at the service's address. */
function imageApiOperation<const Id extends string, const M extends 'GET' | 'PUT' | 'DELETE', const Path extends string, const P extends TSchema>(
  id: Id,
  method: M,
  path: Path,
  params: P,
) {
  const body = method === 'PUT' ? "with its body checked as a POST api's" : 'without a body';
  return operation({
    id,
    method,
    path,
    tags,
    summary: `Calling a real-time service's ${method} api (an Atelier extension: an Image model's config.json api of method ${method.toLowerCase()}, ${body}; other models answer POST only)`,
    params,
    responses: { 200: InferAnswer, 504: ErrorBody },
  });
}

export const serviceOperations = {
  CreateService: operation({
    id: 'CreateService',
    method: 'POST',
    path: '/v1/:project_id/services',
    tags,
    summary: 'Deploying a Service',
    params: ProjectParams,
    body: CreateServiceRequest,
    responses: { 200: CreateServiceResponse },
  }),
  ListServices: operation({
    id: 'ListServices',
    method: 'GET',
    path: '/v1/:project_id/services',
    tags,
    summary: 'Obtaining Services',
    params: ProjectParams,
    querystring: ListServicesQuery,
    responses: { 200: ListServicesResponse },
  }),
  ShowServiceSpecifications: operation({
    id: 'ShowServiceSpecifications',
    method: 'GET',
    path: '/v1/:project_id/services/specifications',
    tags,
    summary: 'Obtaining Supported Service Deployment Specifications',
    params: ProjectParams,
    querystring: SpecificationsQuery,
    responses: { 200: SpecificationsResponse },
  }),
  ShowService: operation({
    id: 'ShowService',
    method: 'GET',
    path: '/v1/:project_id/services/:service_id',
    tags,
    summary: 'Obtaining Service Details',
    params: ServiceParams,
    responses: { 200: ServiceDetail },
  }),
  UpdateService: operation({
    id: 'UpdateService',
    method: 'PUT',
    path: '/v1/:project_id/services/:service_id',
    tags,
    summary: 'Updating Service Configurations',
    params: ServiceParams,
    body: UpdateServiceRequest,
    responses: { 200: EmptyBody },
  }),
  DeleteService: operation({
    id: 'DeleteService',
    method: 'DELETE',
    path: '/v1/:project_id/services/:service_id',
    tags,
    summary: 'Deleting a Service',
    params: DeleteServiceParams,
    responses: { 200: EmptyBody },
  }),
  ShowServiceMonitorInfo: operation({
    id: 'ShowServiceMonitorInfo',
    method: 'GET',
    path: '/v1/:project_id/services/:service_id/monitor',
    tags,
    summary: 'Obtaining Service Monitoring',
    params: ServiceParams,
    responses: { 200: MonitorResponse },
  }),
  ShowServiceUpdateLogs: operation({
    id: 'ShowServiceUpdateLogs',
    method: 'GET',
    path: '/v1/:project_id/services/:service_id/logs',
    tags,
    summary: 'Obtaining Service Update Logs',
    params: ServiceParams,
    querystring: UpdateLogsQuery,
    responses: { 200: UpdateLogsResponse },
  }),
  ShowServiceEvents: operation({
    id: 'ShowServiceEvents',
    method: 'GET',
    path: '/v1/:project_id/services/:service_id/events',
    tags,
    summary: 'Obtaining Service Event Logs',
    params: ServiceParams,
    querystring: EventsQuery,
    responses: { 200: EventsResponse },
  }),
  // An Atelier extension, not in the spec: the end of each model server instance's log.
  ShowServiceInstanceLogs: operation({
    id: 'ShowServiceInstanceLogs',
    method: 'GET',
    path: '/v1/:project_id/services/:service_id/instance-logs',
    tags,
    summary: "Reading the logs of a service's instances (an Atelier extension: what the model's code printed, with tracebacks)",
    params: ServiceParams,
    querystring: InstanceLogsQuery,
    responses: { 200: InstanceLogsResponse },
  }),
  ListClusters: operation({
    id: 'ListClusters',
    method: 'GET',
    path: '/v1/:project_id/clusters',
    tags,
    summary: 'Obtaining Dedicated Resource Pools',
    params: ProjectParams,
    querystring: ClustersQuery,
    responses: { 200: ClustersResponse },
  }),
  // Not APIs of the spec's index: the address the spec's access_address names. Predictions are
  // POSTs; the path below the service id is the model's api url ("/" for the built-in runtimes).
  // The answer is whatever the model returns, so no success schema is declared.
  InferService: operation({
    id: 'InferService',
    method: 'POST',
    path: '/v1/infers/:service_id',
    tags,
    summary: 'Calling a real-time service',
    params: InferParams,
    responses: { 200: InferAnswer, 504: ErrorBody },
  }),
  InferServicePath: operation({
    id: 'InferServicePath',
    method: 'POST',
    path: '/v1/infers/:service_id/*',
    tags,
    summary: 'Calling a real-time service',
    params: InferPathParams,
    responses: { 200: InferAnswer, 504: ErrorBody },
  }),
  // An Image model's config.json may declare get, put and delete apis too; the spec's address takes only POST.
  InferServiceGet: imageApiOperation('InferServiceGet', 'GET', '/v1/infers/:service_id', InferParams),
  InferServicePathGet: imageApiOperation('InferServicePathGet', 'GET', '/v1/infers/:service_id/*', InferPathParams),
  InferServicePut: imageApiOperation('InferServicePut', 'PUT', '/v1/infers/:service_id', InferParams),
  InferServicePathPut: imageApiOperation('InferServicePathPut', 'PUT', '/v1/infers/:service_id/*', InferPathParams),
  InferServiceDelete: imageApiOperation('InferServiceDelete', 'DELETE', '/v1/infers/:service_id', InferParams),
  InferServicePathDelete: imageApiOperation('InferServicePathDelete', 'DELETE', '/v1/infers/:service_id/*', InferPathParams),
};
