import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppContext } from '#src/context.ts';
import { principal } from '#src/auth/auth-hook.ts';
import { ProjectParams, withErrors } from '#src/core/schemas.ts';
import { modelServiceOf } from './context.ts';
import {
  CreateModelRequest,
  CreateModelResponse,
  DeleteModelQuery,
  DeleteModelResponse,
  ListModelsQuery,
  ListModelsResponse,
  ModelDetail,
  ModelParams,
} from './schemas.ts';

const tags = ['Model Management'];

export const modelsModule: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  const service = modelServiceOf(ctx);

  app.post(
    '/v1/:project_id/models',
    {
      schema: {
        operationId: 'CreateModel',
        tags,
        summary: 'Importing a Model',
        params: ProjectParams,
        body: CreateModelRequest,
        response: withErrors({ 200: CreateModelResponse }),
      },
    },
    async (req) => ({ model_id: await service.create(principal(req), req.body) }),
  );

  app.get(
    '/v1/:project_id/models',
    {
      schema: {
        operationId: 'ListModels',
        tags,
        summary: 'Obtaining Models',
        params: ProjectParams,
        querystring: ListModelsQuery,
        response: withErrors({ 200: ListModelsResponse }),
      },
    },
    (req) => service.list(principal(req), req.query),
  );

  app.get(
    '/v1/:project_id/models/:model_id',
    {
      schema: {
        operationId: 'ShowModel',
        tags,
        summary: 'Viewing Details About a Model',
        params: ModelParams,
        response: withErrors({ 200: ModelDetail }),
      },
    },
    (req) => service.show(principal(req), req.params.model_id),
  );

  app.delete(
    '/v1/:project_id/models/:model_id',
    {
      schema: {
        operationId: 'DeleteModel',
        tags,
        summary: 'Deleting a Model',
        params: ModelParams,
        querystring: DeleteModelQuery,
        response: withErrors({ 200: DeleteModelResponse }),
      },
    },
    (req) => service.delete(principal(req), req.params.model_id, req.query.cascade === true),
  );
};
