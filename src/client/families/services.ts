import type { Static } from 'typebox';
import type {
  ClustersQuery,
  ClustersResponse,
  CreateServiceRequest,
  CreateServiceResponse,
  EventsQuery,
  EventsResponse,
  ListServicesQuery,
  ListServicesResponse,
  MonitorResponse,
  ServiceDetail,
  SpecificationsResponse,
  UpdateLogsResponse,
  UpdateServiceRequest,
} from '#src/modules/services/schemas.ts';
import type { HttpClient, RequestOptions } from '../http-client.ts';

const one = (serviceId: string) => ({ params: { service_id: serviceId } });

export const servicesClient = (http: HttpClient) => ({
  create: (body: Static<typeof CreateServiceRequest>) => http.call<Static<typeof CreateServiceResponse>>('POST', '/v1/{project_id}/services', { body }),
  list: (query: Partial<Static<typeof ListServicesQuery>> = {}) =>
    http.call<Static<typeof ListServicesResponse>>('GET', '/v1/{project_id}/services', { query }),
  show: (serviceId: string) => http.call<Static<typeof ServiceDetail>>('GET', '/v1/{project_id}/services/{service_id}', one(serviceId)),
  update: (serviceId: string, body: Static<typeof UpdateServiceRequest>) =>
    http.call<Record<string, never>>('PUT', '/v1/{project_id}/services/{service_id}', { ...one(serviceId), body }),
  /** One id, or several joined with commas. */
  delete: (serviceId: string) => http.call<Record<string, never>>('DELETE', '/v1/{project_id}/services/{service_id}', one(serviceId)),
  monitor: (serviceId: string) => http.call<Static<typeof MonitorResponse>>('GET', '/v1/{project_id}/services/{service_id}/monitor', one(serviceId)),
  updateLogs: (serviceId: string, query: { update_time?: number } = {}) =>
    http.call<Static<typeof UpdateLogsResponse>>('GET', '/v1/{project_id}/services/{service_id}/logs', { ...one(serviceId), query }),
  events: (serviceId: string, query: Partial<Static<typeof EventsQuery>> = {}) =>
    http.call<Static<typeof EventsResponse>>('GET', '/v1/{project_id}/services/{service_id}/events', { ...one(serviceId), query }),
  specifications: (query: { is_personal_cluster?: boolean; infer_type?: string; limit?: string; offset?: string } = {}) =>
    http.call<Static<typeof SpecificationsResponse>>('GET', '/v1/{project_id}/services/specifications', { query }),
  clusters: (query: Partial<Static<typeof ClustersQuery>> = {}) => http.call<Static<typeof ClustersResponse>>('GET', '/v1/{project_id}/clusters', { query }),
  /** A prediction through the service's access address (JSON body, or rawBody with its content-type header). */
  predict: <T = unknown>(serviceId: string, opts: Pick<RequestOptions, 'body' | 'rawBody' | 'headers'> = {}) =>
    http.call<T>('POST', '/v1/infers/{service_id}', { ...one(serviceId), ...opts }),
});
