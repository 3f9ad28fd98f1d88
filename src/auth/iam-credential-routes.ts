import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { routeOf } from '#src/http/operation-route.ts';
import { principal } from './auth-hook.ts';
import { credentialBody, visibleUser } from './iam-access.ts';
import { iamErrors, underIdentityRules } from './iam-errors.ts';
import { iamOperations as ops } from './iam-operations.ts';
import type { IdentityService } from './identity-service.ts';
import type { Principal } from './principal.ts';

/** The user whose keys the caller names: their own, or (for an admin) a user of their account. */
async function keyOwner(identity: IdentityService, who: Principal, userId: string) {
  if (userId !== who.userId && who.role !== 'admin') {
    // Another account's user is not told apart from none; a colleague's keys are refused.
    await visibleUser(identity, who, userId);
    throw iamErrors.forbidden("manage another user's access keys: admins only");
  }
  return visibleUser(identity, who, userId);
}

/** IAM's permanent access keys: a user's own, and for an admin those of the account's users. */
export const iamCredentialRoutes: FastifyPluginAsyncTypebox<{ identity: IdentityService }> = async (app, { identity }) => {
  app.route({
    ...routeOf(ops.CreatePermanentAccessKey),
    handler: async (req, reply) => {
      const who = principal(req);
      const { user_id, description = '' } = req.body.credential;
      const user = await keyOwner(identity, who, user_id);
      const key = await underIdentityRules('body.credential', () => identity.createBoundedAccessKey(user, description));
      return reply
        .status(201)
        .send({ credential: { ...credentialBody({ ak: key.ak, user_id: user.id, description, created_at: key.created_at }), secret: key.sk } });
    },
  });

  app.route({
    ...routeOf(ops.ListPermanentAccessKeys),
    handler: async (req) => {
      const who = principal(req);
      const userId = req.query.user_id;
      if (userId === undefined) {
        const keys = who.role === 'admin' ? await identity.accessKeysOfDomain(who.domainId) : await identity.accessKeysOfUser(who.userId);
        return { credentials: keys.map(credentialBody) };
      }
      const user = await keyOwner(identity, who, userId);
      return { credentials: (await identity.accessKeysOfUser(user.id)).map(credentialBody) };
    },
  });

  app.route({
    ...routeOf(ops.DeletePermanentAccessKey),
    handler: async (req, reply) => {
      const who = principal(req);
      const { access_key } = req.params;
      const key = await identity.accessKeyRecord(access_key);
      const owner = key ? await identity.userById(key.user_id) : undefined;
      if (!key || !owner || owner.domain_id !== who.domainId) throw iamErrors.notFound('access key', access_key);
      if (owner.id !== who.userId && who.role !== 'admin') throw iamErrors.forbidden("delete another user's access key: admins only");
      await identity.deleteAccessKey(access_key);
      return reply.status(204).send(null);
    },
  });
};
