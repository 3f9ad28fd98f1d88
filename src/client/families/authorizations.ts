import type { Static } from 'typebox';
import type {
  CreateAgencyRequest,
  CreateAgencyResponse,
  CreateAuthorizationRequest,
  DeleteAuthorizationsQuery,
  ListAuthorizationsQuery,
  ListAuthorizationsResponse,
} from '#src/modules/authorizations/schemas.ts';
import type { ResultBody } from '#src/core/schemas.ts';
import type { HttpClient } from '../http-client.ts';

export const authorizationsClient = (http: HttpClient) => ({
  list: (query: Partial<Static<typeof ListAuthorizationsQuery>> = {}) =>
    http.call<Static<typeof ListAuthorizationsResponse>>('GET', '/v2/{project_id}/authorizations', { query }),
  create: (body: Static<typeof CreateAuthorizationRequest>) =>
    http.call<Static<typeof ResultBody>>('POST', '/v2/{project_id}/authorizations', { body }),
  delete: (query: Static<typeof DeleteAuthorizationsQuery> = {}) =>
    http.call<Static<typeof ResultBody>>('DELETE', '/v2/{project_id}/authorizations', { query }),
  createAgency: (body: Static<typeof CreateAgencyRequest> = {}) =>
    http.call<Static<typeof CreateAgencyResponse>>('POST', '/v2/{project_id}/agency', { body }),
});
