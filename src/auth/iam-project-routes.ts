import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { routeOf } from '#src/http/operation-route.ts';
import { principal } from './auth-hook.ts';
import { checkDomain, listLinks, projectBody, requireAdmin, userBody, visibleProject, visibleUser } from './iam-access.ts';
import { iamErrors, underIdentityRules } from './iam-errors.ts';
import { iamOperations as ops } from './iam-operations.ts';
import type { IdentityService } from './identity-service.ts';

/** Projects of the admin's account and their members (Keystone's /v3/projects), through the CLI's project rules. */
export const iamProjectRoutes: FastifyPluginAsyncTypebox<{ identity: IdentityService }> = async (app, { identity }) => {
  app.route({
    ...routeOf(ops.KeystoneListProjects),
    handler: async (req) => {
      const who = principal(req);
      requireAdmin(who);
      const projects = (await identity.listProjects()).filter((p) => p.domain_id === who.domainId);
      return { projects: projects.map((p) => projectBody(req, p)), links: listLinks(req, '/v3/projects') };
    },
  });

  app.route({
    ...routeOf(ops.KeystoneCreateProject),
    handler: async (req, reply) => {
      const who = principal(req);
      requireAdmin(who);
      const { name, domain_id } = req.body.project;
      checkDomain(who, domain_id);
      const project = await underIdentityRules('body.project.name', () => identity.createProject(who.domainName, name));
      return reply.status(201).send({ project: projectBody(req, project) });
    },
  });

  app.route({
    ...routeOf(ops.KeystoneDeleteProject),
    handler: async (req, reply) => {
      const who = principal(req);
      requireAdmin(who);
      const p = await visibleProject(identity, who, req.params.iam_project_id);
      // Deleting it would end the token this very request came with.
      if (p.id === who.projectId) throw iamErrors.conflict(`project ${p.name} is the one this request acts in; delete it from another project`);
      await underIdentityRules('path.iam_project_id', () => identity.deleteProject(who.domainName, p.id));
      return reply.status(204).send(null);
    },
  });

  app.route({
    ...routeOf(ops.KeystoneListProjectUsers),
    handler: async (req) => {
      const who = principal(req);
      requireAdmin(who);
      const p = await visibleProject(identity, who, req.params.iam_project_id);
      const users = (await identity.usersOfProject(p.id)).filter((u) => u.role !== 'worker');
      return { users: users.map((u) => userBody(req, u)), links: listLinks(req, `/v3/projects/${p.id}/users`) };
    },
  });

  app.route({
    ...routeOf(ops.KeystoneAssignProjectRoleToUser),
    handler: async (req, reply) => {
      const who = principal(req);
      requireAdmin(who);
      const p = await visibleProject(identity, who, req.params.iam_project_id);
      const u = await visibleUser(identity, who, req.params.user_id);
      await underIdentityRules('path.user_id', () => identity.addMember(p, u));
      return reply.status(204).send(null);
    },
  });

  app.route({
    ...routeOf(ops.KeystoneRemoveProjectRoleFromUser),
    handler: async (req, reply) => {
      const who = principal(req);
      requireAdmin(who);
      const p = await visibleProject(identity, who, req.params.iam_project_id);
      const u = await visibleUser(identity, who, req.params.user_id);
      if (!(await identity.isMember(p.id, u.id))) throw iamErrors.notFound('role assignment', `${u.name} in project ${p.name}`);
      // Their tokens in the project end too: their next request in it is refused.
      await identity.removeMember(p.id, u.id);
      return reply.status(204).send(null);
    },
  });
};
