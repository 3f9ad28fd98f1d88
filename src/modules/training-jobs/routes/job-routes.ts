import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { principal } from '#src/auth/auth-hook.ts';
import { routeOf } from '#src/http/operation-route.ts';
import { trainingJobOperations as ops } from '../operations.ts';
import type { TrainingJobService } from '../service.ts';

/** Training jobs (#112-116, #120): create, read, describe, delete, terminate, search. */
export const jobRoutes: FastifyPluginAsyncTypebox<{ jobs: TrainingJobService }> = async (app, { jobs }) => {
  app.route({
    ...routeOf(ops.CreateTrainingJob),
    handler: async (req, reply) => reply.code(201).send(await jobs.create(principal(req), req.body)),
  });

  app.route({
    ...routeOf(ops.ShowTrainingJobDetails),
    handler: async (req) => jobs.get(principal(req), req.params.training_job_id),
  });

  app.route({
    ...routeOf(ops.ChangeTrainingJobDescription),
    handler: async (req) => {
      await jobs.changeDescription(principal(req), req.params.training_job_id, req.body?.description);
      return {};
    },
  });

  app.route({
    ...routeOf(ops.DeleteTrainingJob),
    handler: async (req, reply) => {
      await jobs.delete(principal(req), req.params.training_job_id);
      return reply.code(202).send({});
    },
  });

  app.route({
    ...routeOf(ops.StopTrainingJob),
    handler: async (req, reply) => reply.code(202).send(await jobs.terminate(principal(req), req.params.training_job_id)),
  });

  app.route({
    ...routeOf(ops.ListTrainingJobs),
    handler: async (req) => jobs.list(principal(req), req.body),
  });
};
