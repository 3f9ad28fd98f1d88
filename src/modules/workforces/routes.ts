import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { principal } from '#src/auth/auth-hook.ts';
import { routeOf } from '#src/http/operation-route.ts';
import type { WorkforceInvitations } from './invitations.ts';
import { workforceOperations as ops } from './operations.ts';
import type { WorkforceService } from './service.ts';

interface Options {
  service: WorkforceService;
  invitations: WorkforceInvitations;
}

/** Labeling teams (#41-45), their members (#47-53), and the invitation link's password page (Atelier's own). */
export const workforceRoutes: FastifyPluginAsyncTypebox<Options> = async (app, { service, invitations }) => {
  const project = (req: Parameters<typeof principal>[0]) => principal(req).projectId;

  app.route({ ...routeOf(ops.ListWorkforces), handler: (req) => service.list(project(req), req.query) });
  app.route({ ...routeOf(ops.CreateWorkforce), handler: async (req, reply) => reply.code(201).send(await service.create(project(req), req.body)) });
  app.route({ ...routeOf(ops.DescWorkforce), handler: (req) => service.describe(project(req), req.params.workforce_id) });
  app.route({ ...routeOf(ops.UpdateWorkforce), handler: (req) => service.update(project(req), req.params.workforce_id, req.body) });
  app.route({
    ...routeOf(ops.DeleteWorkforce),
    handler: async (req, reply) => {
      await service.remove(project(req), req.params.workforce_id);
      return reply.code(204).send(null);
    },
  });

  app.route({ ...routeOf(ops.ListAllWorkers), handler: (req) => service.listAllWorkers(project(req), req.query) });
  app.route({ ...routeOf(ops.ListWorkers), handler: (req) => service.listWorkers(project(req), req.params.workforce_id, req.query) });
  app.route({
    ...routeOf(ops.CreateWorker),
    handler: async (req, reply) => reply.code(201).send(await service.createWorkers(principal(req), req.params.workforce_id, req.body)),
  });
  app.route({
    ...routeOf(ops.BatchDeleteWorkers),
    handler: (req) => service.batchRemoveWorkers(project(req), req.params.workforce_id, req.body.workers),
  });
  app.route({ ...routeOf(ops.DescWorker), handler: (req) => service.describeWorker(project(req), req.params.workforce_id, req.params.worker_id) });
  app.route({
    ...routeOf(ops.UpdateWorker),
    handler: (req) => service.updateWorker(project(req), req.params.workforce_id, req.params.worker_id, req.body),
  });
  app.route({
    ...routeOf(ops.DeleteWorker),
    handler: async (req, reply) => {
      await service.removeWorker(project(req), req.params.workforce_id, req.params.worker_id);
      return reply.code(204).send(null);
    },
  });

  // The link's token is the credential: whoever holds the mail sets the password, once.
  app.route({
    ...routeOf(ops.AcceptWorkerInvitation),
    config: { public: true },
    handler: (req) => invitations.accept(req.params.token, req.body.password),
  });
};
