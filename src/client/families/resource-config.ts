import type { Static } from 'typebox';
import type { OsQuotaResponse, OsUserConfigResponse } from '#src/modules/resource-config/schemas.ts';
import type { HttpClient } from '../http-client.ts';

export const resourceConfigClient = (http: HttpClient) => ({
  osUserConfig: () => http.call<Static<typeof OsUserConfigResponse>>('GET', '/v1/{project_id}/os-user-config'),
  quotas: () => http.call<Static<typeof OsQuotaResponse>>('GET', '/v1/{project_id}/quotas'),
});
