import type { FamilyModule } from '#src/context.ts';
import { pluginTemplateRoutes } from './routes.ts';

/** The plug-in templates (#139): the GPU and NPU driver templates, as this host can apply them. */
export function pluginTemplatesModule(): FamilyModule {
  return { register: async (app) => void (await app.register(pluginTemplateRoutes)) };
}
