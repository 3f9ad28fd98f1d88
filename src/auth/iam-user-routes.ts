import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { routeOf } from '#src/http/operation-route.ts';
import { principal } from './auth-hook.ts';
import { checkDomain, listLinks, requireAdmin, userBody, visibleUser } from './iam-access.ts';
import { iamErrors, underIdentityRules } from './iam-errors.ts';
import { iamOperations as ops } from './iam-operations.ts';
import type { IdentityService } from './identity-service.ts';

/** Users of the admin's account (Keystone's /v3/users), through the rules the CLI's user commands follow. */
export const iamUserRoutes: FastifyPluginAsyncTypebox<{ identity: IdentityService }> = async (app, { identity }) => {
  app.route({
    ...routeOf(ops.KeystoneListUsers),
    handler: async (req) => {
      const who = principal(req);
      requireAdmin(who);
      const users = (await identity.usersOfDomain(who.domainId)).filter(
        (u) => u.role !== 'worker' && (req.query.name === undefined || u.name === req.query.name),
      );
      return { users: users.map((u) => userBody(req, u)), links: listLinks(req, '/v3/users') };
    },
  });

  app.route({
    ...routeOf(ops.KeystoneCreateUser),
    handler: async (req, reply) => {
      const who = principal(req);
      requireAdmin(who);
      const { name, password, domain_id, role = 'user' } = req.body.user;
      checkDomain(who, domain_id);
      const user = await underIdentityRules('body.user', () => identity.createUser(who.domainName, name, password, role));
      return reply.status(201).send({ user: userBody(req, user) });
    },
  });

  app.route({
    ...routeOf(ops.KeystoneShowUser),
    handler: async (req) => {
      const who = principal(req);
      requireAdmin(who);
      return { user: userBody(req, await visibleUser(identity, who, req.params.user_id)) };
    },
  });

  app.route({
    ...routeOf(ops.KeystoneUpdateUserByAdmin),
    handler: async (req) => {
      const who = principal(req);
      requireAdmin(who);
      const u = await visibleUser(identity, who, req.params.user_id);
      await underIdentityRules('body.user.password', () => identity.resetPassword(who.domainName, u.name, req.body.user.password));
      return { user: userBody(req, u) };
    },
  });

  app.route({
    ...routeOf(ops.KeystoneDeleteUser),
    handler: async (req, reply) => {
      const who = principal(req);
      requireAdmin(who);
      const u = await visibleUser(identity, who, req.params.user_id);
      // An account could otherwise lose its last admin through the very request that asks.
      if (u.id === who.userId) throw iamErrors.conflict('An admin cannot delete their own user; another admin (or the CLI) can.');
      await underIdentityRules('path.user_id', () => identity.deleteUser(who.domainName, u.name));
      return reply.status(204).send(null);
    },
  });
};
