import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { errors } from '#src/core/errors.ts';
import type { Clock } from '#src/core/time.ts';
import { routeOf } from '#src/http/operation-route.ts';
import { principal } from './auth-hook.ts';
import { FailureLimiter, tooManyFailures, type FailureLimits } from './failure-limiter.ts';
import type { IdentityService } from './identity-service.ts';
import { tokenOperations as ops } from './token-operations.ts';

interface TokenRouteOptions {
  identity: IdentityService;
  clock: Clock;
  /** Failed logins allowed per domain and user name in a window; then 429 until it ends. */
  failureLimits: FailureLimits;
}

/**
 * IAM's password login, so clients that fetch a token first work unchanged. Failures are counted
 * per domain and user name whether or not the user exists, and a name over its limit is refused
 * before the password is checked, even a right one: guessing stops there.
 */
export const tokenRoutes: FastifyPluginAsyncTypebox<TokenRouteOptions> = async (app, { identity, clock, failureLimits }) => {
  const failures = new FailureLimiter(failureLimits, clock);
  app.route({
    ...routeOf(ops.KeystoneCreateUserTokenByPassword),
    config: { public: true },
    handler: async (req, reply) => {
      const { identity: id, scope } = req.body.auth;
      if (!id.methods.includes('password')) throw errors.badParam('body.auth.identity.methods must include password');
      if (!scope.project.id && !scope.project.name) throw errors.badParam('body.auth.scope.project needs a name or an id');
      const { user } = id.password;
      const key = JSON.stringify([user.domain.name, user.name]);
      if (failures.exhausted(key)) throw tooManyFailures(`user ${user.name} of domain ${user.domain.name}`, failures.retryAfterSeconds(key));
      const issued = await identity.issueToken({
        domainName: user.domain.name,
        userName: user.name,
        password: user.password,
        project: scope.project,
      });
      if (!issued) {
        failures.fail(key);
        throw errors.badSignature('The user name, password, domain or project is wrong.');
      }
      const domain = { id: issued.user.domain_id, name: issued.user.domain_name };
      reply.header('X-Subject-Token', issued.token);
      return reply.status(201).send({
        token: {
          methods: ['password'],
          expires_at: new Date(issued.expiresAt).toISOString(),
          issued_at: new Date(issued.issuedAt).toISOString(),
          user: { id: issued.user.id, name: issued.user.name, domain },
          project: { id: issued.project.id, name: issued.project.name, domain },
          roles: [{ id: issued.user.role, name: issued.user.role === 'admin' ? 'te_admin' : 'te_agency' }],
          catalog: [],
        },
      });
    },
  });

  // Keystone's list of the projects a token's user may scope a token to: the console's project menu.
  app.route({
    ...routeOf(ops.KeystoneListAuthProjects),
    config: { workerRoute: true },
    handler: async (req) => {
      const who = principal(req);
      const mine = await identity.projectsOfUser(who.userId);
      // A labeling team member's identity is let into one project at a time, through its token.
      const projects = who.role === 'worker' ? mine.filter((p) => p.id === who.projectId) : mine;
      const base = `${req.protocol}://${req.host}`;
      return {
        projects: projects.map((p) => ({
          id: p.id,
          name: p.name,
          domain_id: p.domain_id,
          description: '',
          enabled: true,
          is_domain: false,
          parent_id: p.domain_id,
          links: { self: `${base}/v3/projects/${p.id}` },
        })),
        links: { self: `${base}/v3/auth/projects`, previous: null, next: null },
      };
    },
  });
};
