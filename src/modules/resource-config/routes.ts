import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppContext } from '#src/context.ts';
import { principal } from '#src/auth/auth-hook.ts';
import { ProjectParams, withErrors } from '#src/core/schemas.ts';
import { OsQuotaResponse, OsUserConfigResponse } from './schemas.ts';
import { ResourceConfigService } from './service.ts';

const tags = ['Resource Management'];

export const resourceConfigModule: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  const service = new ResourceConfigService(ctx.config, ctx.quotaUsage);

  app.get(
    '/v1/:project_id/os-user-config',
    {
      schema: {
        operationId: 'ShowOsConfig',
        tags,
        summary: 'Querying OS Configuration Parameters',
        params: ProjectParams,
        response: withErrors({ 200: OsUserConfigResponse }),
      },
    },
    async () => service.osUserConfig(),
  );

  app.get(
    '/v1/:project_id/quotas',
    {
      schema: {
        operationId: 'ShowOsQuota',
        tags,
        summary: 'Querying OS Quotas',
        params: ProjectParams,
        response: withErrors({ 200: OsQuotaResponse }),
      },
    },
    async (req) => service.quotas(principal(req).projectId),
  );
};
