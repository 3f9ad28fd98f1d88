import type { FastifyPluginAsync } from 'fastify';
import { iamCredentialRoutes } from './iam-credential-routes.ts';
import { iamProjectRoutes } from './iam-project-routes.ts';
import { iamUserRoutes } from './iam-user-routes.ts';
import type { IdentityService } from './identity-service.ts';

/**
 * IAM's access key, user and project APIs, which the console's Settings page uses. Authenticated
 * like any API (token or AK/SK); a labeling team member's identity is refused by the auth hook,
 * as none of these routes is marked for workers.
 */
export const iamRoutes: FastifyPluginAsync<{ identity: IdentityService }> = async (app, opts) => {
  await app.register(iamCredentialRoutes, opts);
  await app.register(iamUserRoutes, opts);
  await app.register(iamProjectRoutes, opts);
};
