import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { principal } from '#src/auth/auth-hook.ts';
import { routeOf } from '#src/http/operation-route.ts';
import { storageOperations as ops } from './operations.ts';
import type { StorageService } from './service.ts';

/** OBS folders mounted on notebook instances (#92-95). */
export const storageRoutes: FastifyPluginAsyncTypebox<{ storage: StorageService }> = async (app, { storage }) => {
  app.route({ ...routeOf(ops.ListAttachableObSs), handler: async (req) => storage.list(principal(req).projectId, req.params.instance_id) });
  app.route({ ...routeOf(ops.AttachObs), handler: async (req) => storage.attach(principal(req).projectId, req.params.instance_id, req.body) });
  app.route({
    ...routeOf(ops.ShowAttachableObs),
    handler: async (req) => storage.show(principal(req).projectId, req.params.instance_id, req.params.storage_id),
  });
  app.route({ ...routeOf(ops.CancelObs), handler: async (req) => storage.detach(principal(req).projectId, req.params.instance_id, req.params.storage_id) });
};
