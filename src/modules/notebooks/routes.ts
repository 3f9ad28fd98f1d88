import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { principal } from '#src/auth/auth-hook.ts';
import { routeOf } from '#src/http/operation-route.ts';
import { notebookOperations as ops } from './operations.ts';
import type { NotebookImageSaver } from './create-image.ts';
import type { NotebookService } from './service.ts';

/** Where the caller reached Atelier: the instance's url points back at it. */
function origin(req: FastifyRequest): string {
  return `${req.protocol}://${req.host}`;
}

/** Notebook instances (#80-84), saving one as an image (#85), flavors (#86-87), leases (#88-89), start and stop (#90-91), the status history (an extension). */
export const notebookRoutes: FastifyPluginAsyncTypebox<{ notebooks: NotebookService; saver: NotebookImageSaver }> = async (app, { notebooks, saver }) => {
  app.route({
    ...routeOf(ops.ListNotebooks),
    handler: async (req) => notebooks.list({ projectId: principal(req).projectId, userId: principal(req).userId }, req.query, origin(req)),
  });
  app.route({
    ...routeOf(ops.CreateNotebook),
    handler: async (req) => notebooks.create({ projectId: principal(req).projectId, userId: principal(req).userId }, req.body, origin(req)),
  });
  app.route({ ...routeOf(ops.ListFlavors), handler: async (req) => notebooks.flavorsList(req.query) });
  app.route({ ...routeOf(ops.ShowNotebook), handler: async (req) => notebooks.show(principal(req).projectId, req.params.id, origin(req)) });
  app.route({ ...routeOf(ops.UpdateNotebook), handler: async (req) => notebooks.update(principal(req).projectId, req.params.id, req.body, origin(req)) });
  app.route({ ...routeOf(ops.DeleteNotebook), handler: async (req) => notebooks.delete(principal(req).projectId, req.params.id, origin(req)) });
  app.route({ ...routeOf(ops.ShowSwitchableFlavors), handler: async (req) => notebooks.switchable(principal(req).projectId, req.params.id, req.query) });
  app.route({ ...routeOf(ops.ShowLease), handler: async (req) => notebooks.showLease(principal(req).projectId, req.params.id) });
  app.route({
    ...routeOf(ops.RenewLease),
    handler: async (req) => notebooks.renewLease(principal(req).projectId, req.params.id, req.query.duration, req.body ?? {}),
  });
  app.route({ ...routeOf(ops.StartNotebook), handler: async (req) => notebooks.start(principal(req).projectId, req.params.id, req.query, origin(req)) });
  app.route({ ...routeOf(ops.StopNotebook), handler: async (req) => notebooks.stop(principal(req).projectId, req.params.id, origin(req)) });
  app.route({ ...routeOf(ops.ListNotebookEvents), handler: async (req) => notebooks.events(principal(req).projectId, req.params.id, req.query) });
  app.route({ ...routeOf(ops.CreateImage), handler: async (req) => saver.createImage(principal(req).projectId, req.params.id, req.body ?? {}) });
};
