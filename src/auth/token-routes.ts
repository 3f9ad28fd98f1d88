import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { errors } from '#src/core/errors.ts';
import { withErrors } from '#src/core/schemas.ts';
import type { IdentityService } from './identity-service.ts';
import { TokenRequest, TokenResponse } from './token-schemas.ts';

/** IAM's password login, so clients that fetch a token first work unchanged. */
export const tokenRoutes: FastifyPluginAsyncTypebox<{ identity: IdentityService }> = async (app, { identity }) => {
  app.post(
    '/v3/auth/tokens',
    {
      config: { public: true },
      schema: { operationId: 'KeystoneCreateUserTokenByPassword',
        tags: ['IAM'],
        summary: 'Obtain a user token (password method)',
        body: TokenRequest,
        response: withErrors({ 201: TokenResponse }),
      },
    },
    async (req, reply) => {
      const { identity: id, scope } = req.body.auth;
      if (!id.methods.includes('password')) throw errors.badParam('body.auth.identity.methods must include password');
      if (!scope.project.id && !scope.project.name) throw errors.badParam('body.auth.scope.project needs a name or an id');
      const issued = await identity.issueToken({
        domainName: id.password.user.domain.name,
        userName: id.password.user.name,
        password: id.password.user.password,
        project: scope.project,
      });
      if (!issued) throw errors.badSignature('The user name, password, domain or project is wrong.');
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
  );
};
