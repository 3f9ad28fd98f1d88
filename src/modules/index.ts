import type { FastifyInstance } from 'fastify';
import type { AppContext } from '#src/app.ts';
import { authorizationsModule } from './authorizations/routes.ts';
import { modelsModule } from './models/routes.ts';
import { servicesModule } from './services/routes.ts';
import { createDataManagement } from './data-management.ts';
import { datasetsModule } from './datasets/routes.ts';
import { dataTransferRoutes } from './data-transfer/index.ts';
import { objectUrlRoutes } from './object-urls/index.ts';
import { resourceConfigModule } from './resource-config/routes.ts';
import { samplesModule } from './samples/routes.ts';
import { trainingModule } from './training-jobs/routes.ts';

/** Every API family; each registers its routes with the ports it needs. */
export async function registerModules(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const data = createDataManagement(ctx);
  await app.register(objectUrlRoutes, { urls: data.urls });
  await app.register(authorizationsModule, { ctx });
  await app.register(resourceConfigModule, { ctx });
  await app.register(datasetsModule, { ctx, data });
  await app.register(samplesModule, { ctx, data });
  await app.register(dataTransferRoutes, { imports: data.imports });
  await app.register(trainingModule, { ctx, data });
  await app.register(modelsModule, { ctx });
  await app.register(servicesModule, { ctx });
}
