import type { OperationBody, OperationQuery } from '#src/core/operation.ts';
import { serviceOperations as ops } from '#src/modules/services/operations.ts';
import type { HttpClient, RequestOptions } from '../http-client.ts';

const one = (serviceId: string) => ({ params: { service_id: serviceId } });

/** The gateway's operations by method: at the service's address, and at a path below it. */
const inferOperations = {
  POST: [ops.InferService, ops.InferServicePath],
  GET: [ops.InferServiceGet, ops.InferServicePathGet],
  PUT: [ops.InferServicePut, ops.InferServicePathPut],
  DELETE: [ops.InferServiceDelete, ops.InferServicePathDelete],
} as const;

export const servicesClient = (http: HttpClient) => ({
  create: (body: OperationBody<typeof ops.CreateService>) => http.op(ops.CreateService, { body }),
  list: (query: OperationQuery<typeof ops.ListServices> = {}) => http.op(ops.ListServices, { query }),
  show: (serviceId: string) => http.op(ops.ShowService, one(serviceId)),
  update: (serviceId: string, body: OperationBody<typeof ops.UpdateService>) => http.op(ops.UpdateService, { ...one(serviceId), body }),
  /** One id, or several joined with commas. */
  delete: (serviceId: string) => http.op(ops.DeleteService, one(serviceId)),
  monitor: (serviceId: string) => http.op(ops.ShowServiceMonitorInfo, one(serviceId)),
  updateLogs: (serviceId: string, query: OperationQuery<typeof ops.ShowServiceUpdateLogs> = {}) =>
    http.op(ops.ShowServiceUpdateLogs, { ...one(serviceId), query }),
  events: (serviceId: string, query: OperationQuery<typeof ops.ShowServiceEvents> = {}) => http.op(ops.ShowServiceEvents, { ...one(serviceId), query }),
  /** An Atelier extension: the end of each model server instance's log, newest first. */
  instanceLogs: (serviceId: string, query: OperationQuery<typeof ops.ShowServiceInstanceLogs> = {}) =>
    http.op(ops.ShowServiceInstanceLogs, { ...one(serviceId), query }),
  specifications: (query: OperationQuery<typeof ops.ShowServiceSpecifications> = {}) => http.op(ops.ShowServiceSpecifications, { query }),
  clusters: (query: OperationQuery<typeof ops.ListClusters> = {}) => http.op(ops.ListClusters, { query }),
  /**
   * A prediction through the service's access address (JSON body, or rawBody with its content-type header); the answer
   * is the model's. `path`: the model's api below the address (an Image model's image answers several); `method`: the
   * api's method, POST unless an Image model declares it get, put or delete (an Atelier extension); `query`: the query
   * string the api receives.
   */
  predict: <T = unknown>(
    serviceId: string,
    {
      body,
      rawBody,
      headers,
      path,
      method = 'POST',
      query,
    }: Pick<RequestOptions, 'body' | 'rawBody' | 'headers' | 'query'> & { path?: string; method?: 'GET' | 'POST' | 'PUT' | 'DELETE' } = {},
  ) => {
    const options = { rawBody: rawBody ?? (body === undefined ? undefined : JSON.stringify(body)), headers, ...(query ? { query } : {}) };
    const [root, below] = inferOperations[method];
    const rest = path?.replace(/^\/+/, '');
    if (!rest) return http.op(root, { ...one(serviceId), ...options }) as Promise<T>;
    // The operation's path ends in a wildcard the template cannot fill: the api's path is written in, segment by segment.
    const segments = rest.split('/').map(encodeURIComponent).join('/');
    return http.call<T>(below.method, `/v1/infers/{service_id}/${segments}`, { ...one(serviceId), ...options });
  },
});
