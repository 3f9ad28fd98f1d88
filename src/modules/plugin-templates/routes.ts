import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ApiError } from '#src/core/errors.ts';
import { routeOf } from '#src/http/operation-route.ts';
import { pluginTemplateOperations as ops } from './operations.ts';
import { pluginTemplate } from './templates.ts';

export const pluginTemplateRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.route({
    ...routeOf(ops.ShowPluginTemplate),
    handler: async (req) => {
      const name = req.params.plugintemplate_name;
      const t = pluginTemplate(name);
      // ModelArts.50005101 is the spec's code for this 404; the error-code table does not list it.
      if (!t) throw new ApiError(404, 'ModelArts.50005101', `Plugintemplate ${name} not found (the templates are gpu-driver and npu-driver).`);
      return t;
    },
  });
};
