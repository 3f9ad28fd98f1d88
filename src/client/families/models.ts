import type { Static } from 'typebox';
import type {
  CreateModelRequest,
  CreateModelResponse,
  DeleteModelResponse,
  ListModelsQuery,
  ListModelsResponse,
  ModelDetail,
} from '#src/modules/models/schemas.ts';
import type { HttpClient } from '../http-client.ts';

export const modelsClient = (http: HttpClient) => ({
  create: (body: Static<typeof CreateModelRequest>) => http.call<Static<typeof CreateModelResponse>>('POST', '/v1/{project_id}/models', { body }),
  list: (query: Partial<Static<typeof ListModelsQuery>> = {}) =>
    http.call<Static<typeof ListModelsResponse>>('GET', '/v1/{project_id}/models', { query }),
  show: (modelId: string) => http.call<Static<typeof ModelDetail>>('GET', '/v1/{project_id}/models/{model_id}', { params: { model_id: modelId } }),
  delete: (modelId: string, query: { cascade?: boolean } = {}) =>
    http.call<Static<typeof DeleteModelResponse>>('DELETE', '/v1/{project_id}/models/{model_id}', { params: { model_id: modelId }, query }),
});
