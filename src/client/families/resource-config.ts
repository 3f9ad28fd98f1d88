import { resourceConfigOperations as ops } from '#src/modules/resource-config/operations.ts';
import type { HttpClient } from '../http-client.ts';

export const resourceConfigClient = (http: HttpClient) => ({
  osUserConfig: () => http.op(ops.ShowOsConfig),
  quotas: () => http.op(ops.ShowOsQuota),
});
