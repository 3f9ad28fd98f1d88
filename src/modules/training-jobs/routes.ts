import { createReadStream } from 'node:fs';
import { access } from 'node:fs/promises';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppContext } from '#src/context.ts';
import { principal } from '#src/auth/auth-hook.ts';
import { EmptyObject, ProjectParams, withErrors } from '#src/core/schemas.ts';
import { algorithmRoutes } from '#src/modules/algorithms/routes.ts';
import { AlgorithmService } from '#src/modules/algorithms/service.ts';
import { AlgorithmStore } from '#src/modules/algorithms/store.ts';
import type { DataManagement } from '#src/modules/data-management.ts';
import { datasetManifests } from './dataset-inputs.ts';
import { publishTrainingJobs } from './index.ts';
import { JobBuilder } from './job-builder.ts';
import { JobRunner } from './job-runner.ts';
import { LogUrlSigner } from './log-url.ts';
import { ListEnginesResponse, ListFlavorsQuery, ListFlavorsResponse } from './resource-schemas.ts';
import { JobScheduler } from './scheduler.ts';
import {
  ChangeDescriptionRequest,
  CreateTrainingJobRequest,
  JobActionRequest,
  ListTrainingJobsRequest,
  ListTrainingJobsResponse,
  LogDownloadParams,
  LogDownloadQuery,
  LogPreviewResponse,
  LogUrlQuery,
  LogUrlResponse,
  MetricsResponse,
  TaskParams,
  TrainingJobParams,
  TrainingJobResponse,
} from './schemas.ts';
import { TrainingJobService } from './service.ts';
import { TrainingJobStore } from './store.ts';
import { parseEngineSpecs } from './engines.ts';
import { createTrainingRuntime } from './training-runtime.ts';

const tags = ['Training Job Management'];
const resourceTags = ['Resource and Engine Specifications'];

export const trainingModule: FastifyPluginAsyncTypebox<{ ctx: AppContext; data: DataManagement }> = async (app, { ctx, data }) => {
  const runtime = createTrainingRuntime(ctx.config.dataDir, {
    engines: parseEngineSpecs(ctx.config.trainingEngines),
    capacity: ctx.localPool.capacity,
    sandbox: ctx.sandbox,
  });
  const algorithms = new AlgorithmService(new AlgorithmStore(ctx.database.db), ctx.objectStore, runtime.engines, ctx.clock, ctx.buckets);
  const manifests = datasetManifests(data.directory);
  const store = new TrainingJobStore(ctx.database.db);
  // The runner and the scheduler call each other: a job's end frees capacity for the next one.
  const released = { kick: (): void => undefined };
  const runner = new JobRunner(runtime, store, ctx.objectStore, ctx.clock, app.log, () => released.kick(), ctx.buckets);
  const scheduler = new JobScheduler(runtime, ctx.localPool, store, runner, ctx.clock, app.log);
  ctx.localPool.onRelease(() => scheduler.kick());
  released.kick = () => scheduler.kick();
  const jobs = new TrainingJobService(
    runtime,
    store,
    new JobBuilder(runtime, algorithms, ctx.objectStore, manifests, ctx.clock, ctx.buckets),
    runner,
    scheduler,
    new LogUrlSigner(ctx.config.dataDir),
    ctx.clock,
  );
  publishTrainingJobs(ctx, jobs);
  ctx.reconcilers.add({
    name: 'training-jobs',
    reconcile: async () => {
      await runner.reconcile();
      scheduler.kick();
      await scheduler.settled();
    },
  });
  app.addHook('onClose', async () => {
    await scheduler.settled();
    await runner.close();
  });

  await app.register(algorithmRoutes, { service: algorithms });

  app.get(
    '/v2/:project_id/training-job-flavors',
    {
      schema: {
        operationId: 'ShowTrainingJobFlavors',
        tags: resourceTags,
        summary: 'Obtaining the General Specifications Supported by a Training Job',
        params: ProjectParams,
        querystring: ListFlavorsQuery,
        response: withErrors({ 200: ListFlavorsResponse }),
      },
    },
    async (req) => {
      const flavors = runtime.flavors.map((f) => f.response).filter((f) => !req.query.flavor_type || f.flavor_type === req.query.flavor_type);
      return { total_count: flavors.length, flavors };
    },
  );

  app.get(
    '/v2/:project_id/training-job-engines',
    {
      schema: {
        operationId: 'ShowTrainingJobEngines',
        tags: resourceTags,
        summary: 'Obtaining the Preset AI Frameworks Supported by a Training Job',
        params: ProjectParams,
        response: withErrors({ 200: ListEnginesResponse }),
      },
    },
    async () => ({ total: runtime.engines.length, items: runtime.engines.map((e) => e.response) }),
  );

  app.post(
    '/v2/:project_id/training-jobs',
    {
      schema: {
        operationId: 'CreateTrainingJob',
        tags,
        summary: 'Creating a Training Job',
        params: ProjectParams,
        body: CreateTrainingJobRequest,
        response: withErrors({ 201: TrainingJobResponse }),
      },
    },
    async (req, reply) => reply.code(201).send(await jobs.create(principal(req), req.body)),
  );

  app.get(
    '/v2/:project_id/training-jobs/:training_job_id',
    {
      schema: {
        operationId: 'ShowTrainingJobDetails',
        tags,
        summary: 'Obtaining Details About a Training Job',
        params: TrainingJobParams,
        response: withErrors({ 200: TrainingJobResponse }),
      },
    },
    async (req) => jobs.get(principal(req), req.params.training_job_id),
  );

  app.put(
    '/v2/:project_id/training-jobs/:training_job_id',
    {
      schema: {
        operationId: 'ChangeTrainingJobDescription',
        tags,
        summary: 'Modifying the Description of a Training Job',
        params: TrainingJobParams,
        body: ChangeDescriptionRequest,
        // The spec shows a null body; the official Node.js SDK fails on null, so the body is {}.
        response: withErrors({ 200: EmptyObject }),
      },
    },
    async (req) => {
      await jobs.changeDescription(principal(req), req.params.training_job_id, req.body?.description);
      return {};
    },
  );

  app.delete(
    '/v2/:project_id/training-jobs/:training_job_id',
    {
      schema: {
        operationId: 'DeleteTrainingJob',
        tags,
        summary: 'Deleting a Training Job',
        params: TrainingJobParams,
        // The spec shows an empty string; the official Node.js SDK expects an object, so the body is {}.
        response: withErrors({ 202: EmptyObject }),
      },
    },
    async (req, reply) => {
      await jobs.delete(principal(req), req.params.training_job_id);
      return reply.code(202).send({});
    },
  );

  app.post(
    '/v2/:project_id/training-jobs/:training_job_id/actions',
    {
      schema: {
        operationId: 'StopTrainingJob',
        tags,
        summary: 'Terminate a Training Job',
        params: TrainingJobParams,
        body: JobActionRequest,
        response: withErrors({ 202: TrainingJobResponse }),
      },
    },
    async (req, reply) => reply.code(202).send(await jobs.terminate(principal(req), req.params.training_job_id)),
  );

  app.get(
    '/v2/:project_id/training-jobs/:training_job_id/tasks/:task_id/logs/preview',
    {
      schema: {
        operationId: 'ShowTrainingJobLogsPreview',
        tags,
        summary: 'Obtaining the Logs of a Specified Task in a Training Job (Preview)',
        params: TaskParams,
        response: withErrors({ 200: LogPreviewResponse }),
      },
    },
    async (req) => {
      const tail = await jobs.logPreview(principal(req), req.params.training_job_id, req.params.task_id);
      return { content: tail.content, current_size: tail.currentSize, full_size: tail.fullSize };
    },
  );

  app.get(
    '/v2/:project_id/training-jobs/:training_job_id/tasks/:task_id/logs/url',
    {
      schema: {
        operationId: 'ShowObsUrlOfTrainingJobLogs',
        tags,
        summary: 'Obtaining the Logs of a Specified Task in a Training Job (OBS Link)',
        params: TaskParams,
        querystring: LogUrlQuery,
        response: withErrors({ 200: LogUrlResponse }),
      },
    },
    async (req) => {
      // The spec passes Content-Type as a header; its example puts it in the query. Either is read.
      const type = req.query['Content-Type'] ?? req.headers['content-type'];
      const disposition = type === 'application/octet-stream' ? 'attachment' : 'inline';
      const base = `${req.protocol}://${req.host}`;
      return { obs_url: await jobs.logUrl(principal(req), req.params.training_job_id, req.params.task_id, base, disposition) };
    },
  );

  app.get(
    '/atelier/training-logs/:training_job_id/:task_id',
    {
      config: { public: true },
      schema: {
        operationId: 'DownloadTrainingJobLog',
        tags,
        summary: 'Download a task log through a signed link (the target of ShowObsUrlOfTrainingJobLogs)',
        params: LogDownloadParams,
        querystring: LogDownloadQuery,
      },
    },
    async (req, reply) => {
      const { training_job_id: id, task_id: task } = req.params;
      const disposition = req.query.disposition ?? 'inline';
      const file = await jobs.signedLogFile(id, task, req.query.expires, disposition, req.query.signature);
      const exists = await access(file).then(() => true, () => false);
      reply.header('Content-Type', disposition === 'attachment' ? 'application/octet-stream' : 'text/plain; charset=utf-8');
      if (disposition === 'attachment') reply.header('Content-Disposition', `attachment; filename="${id}-${task}.log"`);
      return reply.send(exists ? createReadStream(file) : '');
    },
  );

  app.get(
    '/v2/:project_id/training-jobs/:training_job_id/metrics/:task_id',
    {
      schema: {
        operationId: 'ShowTrainingJobMetrics',
        tags,
        summary: 'Obtaining the Runtime Metrics of a Specified Task in a Training Job',
        params: TaskParams,
        response: withErrors({ 200: MetricsResponse }),
      },
    },
    async (req) => jobs.metrics(principal(req), req.params.training_job_id, req.params.task_id),
  );

  app.post(
    '/v2/:project_id/training-job-searches',
    {
      schema: {
        operationId: 'ListTrainingJobs',
        tags,
        summary: 'Obtaining Training Jobs',
        params: ProjectParams,
        body: ListTrainingJobsRequest,
        response: withErrors({ 200: ListTrainingJobsResponse }),
      },
    },
    async (req) => jobs.list(principal(req), req.body),
  );
};
