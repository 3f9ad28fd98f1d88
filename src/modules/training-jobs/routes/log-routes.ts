import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { principal } from '#src/auth/auth-hook.ts';
import { routeOf } from '#src/http/operation-route.ts';
import { trainingJobOperations as ops } from '../operations.ts';
import type { TrainingJobService } from '../service.ts';

/** A task's logs (#117-118), the signed download they link to, and its runtime metrics (#119). */
export const logRoutes: FastifyPluginAsyncTypebox<{ jobs: TrainingJobService }> = async (app, { jobs }) => {
  app.route({
    ...routeOf(ops.ShowTrainingJobLogsPreview),
    handler: async (req) => {
      const tail = await jobs.logPreview(principal(req), req.params.training_job_id, req.params.task_id);
      return { content: tail.content, current_size: tail.currentSize, full_size: tail.fullSize };
    },
  });

  app.route({
    ...routeOf(ops.ShowObsUrlOfTrainingJobLogs),
    handler: async (req) => {
      // The spec passes Content-Type as a header; its example puts it in the query. Either is read.
      const type = req.query['Content-Type'] ?? req.headers['content-type'];
      const disposition = type === 'application/octet-stream' ? 'attachment' : 'inline';
      const base = `${req.protocol}://${req.host}`;
      return { obs_url: await jobs.logUrl(principal(req), req.params.training_job_id, req.params.task_id, base, disposition) };
    },
  });

  // The answer is the log file, not JSON: the route declares no response schema (nor error answers).
  const { response: _noJsonAnswer, ...downloadSchema } = routeOf(ops.DownloadTrainingJobLog).schema;
  app.route({
    ...routeOf(ops.DownloadTrainingJobLog),
    schema: downloadSchema,
    config: { public: true },
    handler: async (req, reply) => {
      const { training_job_id: id, task_id: task } = req.params;
      const disposition = req.query.disposition ?? 'inline';
      const log = await jobs.signedLog(id, task, req.query.expires, disposition, req.query.signature);
      reply.header('Content-Type', disposition === 'attachment' ? 'application/octet-stream' : 'text/plain; charset=utf-8');
      if (disposition === 'attachment') reply.header('Content-Disposition', `attachment; filename="${id}-${task}.log"`);
      reply.header('Content-Length', log.size);
      return reply.send(log.body);
    },
  });

  app.route({
    ...routeOf(ops.ShowTrainingJobMetrics),
    handler: async (req) => jobs.metrics(principal(req), req.params.training_job_id, req.params.task_id),
  });
};
