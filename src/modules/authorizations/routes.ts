import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppContext } from '#src/app.ts';
import { principal } from '#src/auth/auth-hook.ts';
import { sendCachedJson } from '#src/http/cached-json.ts';
import { ProjectParams, ResultBody, withErrors } from '#src/core/schemas.ts';
import {
  CreateAgencyRequest,
  CreateAgencyResponse,
  CreateAuthorizationRequest,
  DeleteAuthorizationsQuery,
  ListAuthorizationsQuery,
  ListAuthorizationsResponse,
} from './schemas.ts';
import { AuthorizationService } from './service.ts';
import { AuthorizationStore } from './store.ts';

const tags = ['Authorization Management'];

export const authorizationsModule: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  const service = new AuthorizationService(new AuthorizationStore(ctx.database.db), ctx.identity, ctx.secrets, ctx.clock, ctx.database);

  app.get(
    '/v2/:project_id/authorizations',
    {
      schema: {
        operationId: 'GetAuthorizations',
        tags,
        summary: 'Viewing an Authorization List',
        params: ProjectParams,
        querystring: ListAuthorizationsQuery,
        response: withErrors({ 200: ListAuthorizationsResponse }),
      },
    },
    // A cached page is answered synchronously, without a promise, with the JSON it was sent as before.
    (req, reply) => {
      const caller = principal(req);
      const page = service.cachedList(caller, req.query);
      if (!page) return service.list(caller, req.query);
      sendCachedJson(reply, page);
      return undefined;
    },
  );

  app.post(
    '/v2/:project_id/authorizations',
    {
      schema: {
        operationId: 'CreateAuthorization',
        tags,
        summary: 'Configuring Authorization',
        params: ProjectParams,
        body: CreateAuthorizationRequest,
        response: withErrors({ 200: ResultBody }),
      },
    },
    async (req) => {
      await service.configure(principal(req), req.body);
      return { result: 'true' };
    },
  );

  app.delete(
    '/v2/:project_id/authorizations',
    {
      schema: {
        operationId: 'DeleteAuthorizations',
        tags,
        summary: 'Deleting Authorization',
        params: ProjectParams,
        querystring: DeleteAuthorizationsQuery,
        response: withErrors({ 200: ResultBody }),
      },
    },
    async (req) => {
      await service.remove(principal(req), req.query.user_id);
      return { result: 'true' };
    },
  );

  app.post(
    '/v2/:project_id/agency',
    {
      schema: {
        operationId: 'CreateModelArtsAgency',
        tags,
        summary: 'Creating a ModelArts Agency',
        params: ProjectParams,
        body: CreateAgencyRequest,
        response: withErrors({ 200: CreateAgencyResponse }),
      },
    },
    async (req) => ({ agency_name: await service.createAgency(principal(req), req.body?.agency_name_suffix) }),
  );
};
