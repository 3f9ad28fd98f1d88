import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppContext } from '#src/app.ts';
import type { DataManagement } from '#src/modules/data-management.ts';

export const datasetsModule: FastifyPluginAsyncTypebox<{ ctx: AppContext; data: DataManagement }> = async (_app, _opts) => {};
