import type { FastifyInstance } from 'fastify';
import type { AppContext, FamilyModule } from '#src/context.ts';
import { authorizationsModule } from './authorizations/module.ts';
import { modelsModule } from './models/index.ts';
import { modelUsage, servicesModule } from './services/index.ts';
import { createDataManagement } from './data-management.ts';
import { datasetsModule } from './datasets/routes.ts';
import { dataTransferRoutes } from './data-transfer/index.ts';
import { objectUrlRoutes } from './object-urls/index.ts';
import { resourceConfigModule } from './resource-config/index.ts';
import { samplesModule } from './samples/routes.ts';
import { algorithmsModule } from './algorithms/index.ts';
import { trainingEngines, trainingJobsModule } from './training-jobs/index.ts';

/** Hands a family's background work to the worker and the reconciler loop, then registers its routes. */
async function install(app: FastifyInstance, ctx: AppContext, family: FamilyModule): Promise<void> {
  for (const task of family.tasks ?? []) ctx.worker.register(task);
  for (const reconciler of family.reconcilers ?? []) ctx.reconcilers.add(reconciler);
  if (family.close) app.addHook('onClose', family.close);
  await family.register(app);
}

/** Builds every API family from the ports it needs, in dependency order, then registers its routes. */
export async function registerModules(app: FastifyInstance, ctx: AppContext): Promise<void> {
  // -- platform families
  const authorizations = authorizationsModule(ctx);
  const resourceConfig = resourceConfigModule(ctx);

  // -- data management (datasets, samples, import and export, object URLs)
  const data = createDataManagement(ctx);

  // -- training (algorithms, training jobs); the engines found on the host serve both
  const engines = trainingEngines(ctx);
  const algorithms = algorithmsModule({ ...ctx, engines });
  const trainingJobs = trainingJobsModule({ ...ctx, engines, algorithms: algorithms.service, datasets: data.directory, log: app.log });

  // -- models and services: models learn from the services table which models are in use
  const models = modelsModule({ ...ctx, trainingJobs: trainingJobs.jobs, usage: modelUsage(ctx.database) });
  const services = servicesModule({ ...ctx, models: models.service });

  await install(app, ctx, authorizations);
  await app.register(objectUrlRoutes, { urls: data.urls });
  await install(app, ctx, resourceConfig);
  await app.register(datasetsModule, { ctx, data });
  await app.register(samplesModule, { ctx, data });
  await app.register(dataTransferRoutes, { imports: data.imports });
  await install(app, ctx, algorithms);
  await install(app, ctx, trainingJobs);
  await install(app, ctx, models);
  await install(app, ctx, services);
}
