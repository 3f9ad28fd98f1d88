import type { FastifyInstance } from 'fastify';
import { loadK8s } from '#src/runtime/kubernetes/k8s.ts';
import { LocalPool } from '#src/runtime/local/local-pool.ts';
import { PoolLedger } from '#src/runtime/pool-ledger/pool-ledger.ts';
import type { AppContext, FamilyModule } from '#src/context.ts';
import { algorithmsModule } from './algorithms/module.ts';
import { authorizationsModule } from './authorizations/module.ts';
import { dataTransferModule } from './data-transfer/module.ts';
import { exportTasksModule } from './data-transfer/export-module.ts';
import { devenvModule } from './devenv/module.ts';
import { createDatasetDirectory, datasetsModule } from './datasets/module.ts';
import { imagesModule } from './images/module.ts';
import { intelligentTasksModule } from './intelligent-tasks/module.ts';
import { modelsModule } from './models/module.ts';
import { networksModule } from './networks/module.ts';
import { notebookImageUsage } from './notebooks/index.ts';
import { notebooksModule } from './notebooks/module.ts';
import { objectUrlsModule } from './object-urls/module.ts';
import { pluginTemplatesModule } from './plugin-templates/module.ts';
import { networkLookup, poolNetworkUsage } from './pools/index.ts';
import { poolsModule } from './pools/module.ts';
import { processorTasksModule } from './processor-tasks/module.ts';
import { poolTagsModule } from './pool-tags/module.ts';
import { poolWorkloadsModule } from './pool-workloads/module.ts';
import { poolMetricsModule } from './pool-metrics/module.ts';
import { resourceConfigModule } from './resource-config/module.ts';
import { resourceFlavorsModule } from './resource-flavors/module.ts';
import { samplesModule } from './samples/module.ts';
import { modelUsage, servicesModule } from './services/module.ts';
import { trainingImageUsage } from './training-jobs/index.ts';
import { trainingEngines, trainingJobsModule } from './training-jobs/module.ts';
import { workforcesModule } from './workforces/index.ts';
import { taskWorkforcePorts, workforceTasksModule } from './workforce-tasks/index.ts';
import { acceptanceModule } from './workforce-tasks/acceptance-module.ts';

/** Hands a family's background work to the worker and the reconciler loop, then registers its routes. */
async function install(app: FastifyInstance, ctx: AppContext, family: FamilyModule, starters: (() => void)[]): Promise<void> {
  if (family.start) starters.push(() => family.start?.());
  for (const task of family.tasks ?? []) ctx.worker.register(task);
  for (const reconciler of family.reconcilers ?? []) ctx.reconcilers.add(reconciler);
  if (family.close) app.addHook('onClose', family.close);
  await family.register(app);
}

/**
 * Builds every API family from the ports it needs, in dependency order, then registers its routes.
 * The wiring imports each family's module.ts; families meet each other only through index.ts.
 */
export async function registerModules(app: FastifyInstance, ctx: AppContext): Promise<() => void> {
  // The Kubernetes client is loaded only where it is used (k8s.ts).
  if (ctx.config.executor === 'kubernetes') await loadK8s();
  // -- platform families
  const authorizations = authorizationsModule(ctx);
  const resourceConfig = resourceConfigModule(ctx);
  const networks = networksModule({ ...ctx, usage: poolNetworkUsage(ctx.database) });
  // -- resource pools: registering them reserves the stored pools again, before any scheduler starts
  const pools = poolsModule({ ...ctx, networks: networkLookup(networks.networks), log: app.log });

  // -- on the kubernetes executor, one ledger of the cluster's nodes for the work that names no pool: training jobs,
  // services, batch runs, pre-labeling, processing and notebooks reserve against it, so together they never promise
  // more than the nodes have (this host's size until a family lists the nodes, at register).
  const cluster = ctx.config.executor === 'kubernetes' ? { clusterPool: LocalPool.dedicated([...ctx.localPool.nodes()]) } : {};
  // Replicas on one cluster share their holdings of its pools through the database (the local executor's pool is this
  // host's alone): what one admitted counts against admission on the others.
  const clusterPool = cluster.clusterPool;
  const poolLedger = clusterPool
    ? new PoolLedger({
        db: ctx.database.db,
        clock: ctx.clock,
        replica: ctx.replica,
        log: app.log,
        pools: () => [{ name: '', pool: clusterPool }, ...ctx.pools.list().map((d) => ({ name: d.name, pool: d.pool }))],
      })
    : undefined;

  // -- data management: the dataset directory first (samples, import tasks and training find
  // datasets through it), then samples and import tasks, then datasets with them as its ports
  const objectUrls = objectUrlsModule(ctx);
  const datasetDirectory = createDatasetDirectory(ctx);
  const samples = samplesModule({ ...ctx, datasets: datasetDirectory, urls: objectUrls.urls });
  const dataTransfer = dataTransferModule({ ...ctx, datasets: datasetDirectory, samples: samples.service });
  const datasets = datasetsModule({ ...ctx, samples: samples.service, imports: dataTransfer.imports });
  const taskPorts = taskWorkforcePorts(ctx.database);
  const workforces = workforcesModule({ ...ctx, usage: taskPorts, taskWorkforces: taskPorts });

  // -- DevEnviron images first: one catalogue (the Python training engines as the built-in images, and
  // each project's registered and saved environments) that notebooks, old instances, algorithms and
  // training jobs start from. An image a notebook instance or an unfinished job names is in use (read
  // from their tables, so the catalogue is built before the families that use it).
  const engines = trainingEngines(ctx);
  const pythonEngines = engines.filter((e) => e.extensions.includes('.py')).map((e) => ({ id: e.response.engine_id, runtime: e.runtime }));
  const notebookUsage = notebookImageUsage(ctx.database);
  const jobUsage = trainingImageUsage(ctx.database);
  const images = imagesModule({
    ...ctx,
    interpreters: pythonEngines,
    usage: { inUse: async (projectId, imageId) => (await notebookUsage.inUse(projectId, imageId)) || (await jobUsage.inUse(projectId, imageId)) },
  });
  // engine.image_url names an image by ID or by swr_path (an absolute path).
  const runtimeImages = {
    image: (projectId: string, ref: string) => (ref.startsWith('/') ? images.images.imageAt(projectId, ref) : images.images.image(projectId, ref)),
  };

  // -- training (algorithms, training jobs); the engines found on the host serve both
  const algorithms = algorithmsModule({ ...ctx, engines, images: runtimeImages });
  const trainingJobs = trainingJobsModule({
    ...ctx,
    engines,
    algorithms: algorithms.service,
    datasets: datasetDirectory,
    images: runtimeImages,
    ...cluster,
    ...(poolLedger ? { poolLedger } : {}),
    log: app.log,
  });

  // -- models and services: models learn from the services table which models are in use
  const models = modelsModule({ ...ctx, trainingJobs: trainingJobs.jobs, usage: modelUsage(ctx.database) });
  const services = servicesModule({ ...ctx, ...cluster, models: models.service, log: app.log });

  // -- DevEnviron notebooks, over the image catalogue above
  const notebooks = notebooksModule({ ...ctx, ...cluster, images: images.images, log: app.log });
  // -- the old DevEnviron API: old instances are notebooks, and its profiles are the same images.
  const devenv = devenvModule({
    ...ctx,
    notebooks: notebooks.notebooks,
    volumes: { workDir: (id) => notebooks.engine.layout(id).work },
    images: images.images,
    log: app.log,
  });

  const starters: (() => void)[] = [];
  if (poolLedger) {
    starters.push(() => poolLedger.start());
    app.addHook('onClose', () => poolLedger.stop());
  }
  await install(app, ctx, authorizations, starters);
  await install(app, ctx, objectUrls, starters);
  await install(app, ctx, resourceConfig, starters);
  await install(app, ctx, resourceFlavorsModule({ ...ctx, log: app.log }), starters);
  await install(app, ctx, pluginTemplatesModule(), starters);
  await install(app, ctx, networks, starters);
  await install(app, ctx, pools, starters);
  await install(app, ctx, poolTagsModule({ ...ctx, log: app.log }), starters);
  await install(app, ctx, poolWorkloadsModule(ctx), starters);
  await install(app, ctx, poolMetricsModule({ ...ctx, log: app.log }), starters);
  await install(app, ctx, datasets, starters);
  await install(app, ctx, samples, starters);
  await install(app, ctx, workforces, starters);
  await install(
    app,
    ctx,
    acceptanceModule({
      ...ctx,
      datasets: datasetDirectory,
      workforces: workforces.workforces,
      labeling: samples.labeling,
      queries: samples.queries,
      labels: samples.service,
    }),
    starters,
  );
  await install(
    app,
    ctx,
    workforceTasksModule({
      ...ctx,
      datasets: datasetDirectory,
      selection: samples.selection,
      queries: samples.queries,
      workforces: workforces.workforces,
      invitations: workforces.invitations,
      labels: samples.service,
    }),
    starters,
  );
  await install(
    app,
    ctx,
    processorTasksModule({
      ...ctx,
      datasets: datasetDirectory,
      samples: samples.service,
      versions: datasets.versions,
      ...cluster,
      log: app.log,
    }),
    starters,
  );
  await install(
    app,
    ctx,
    intelligentTasksModule({
      ...ctx,
      datasets: datasetDirectory,
      autoLabels: samples.autoLabels,
      queries: samples.queries,
      models: models.service,
      flavors: services.flavors,
      ...cluster,
      log: app.log,
    }),
    starters,
  );
  await install(app, ctx, dataTransfer, starters);
  await install(app, ctx, exportTasksModule({ ...ctx, datasets: datasetDirectory, samples: samples.service, newDatasets: datasets.creation }), starters);
  await install(app, ctx, algorithms, starters);
  await install(app, ctx, trainingJobs, starters);
  await install(app, ctx, models, starters);
  await install(app, ctx, services, starters);
  await install(app, ctx, images, starters);
  await install(app, ctx, notebooks, starters);
  await install(app, ctx, devenv, starters);
  return () => starters.forEach((start) => start());
}
