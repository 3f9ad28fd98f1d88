// Accounts, users, projects and access keys, written straight into the server's database (the
// server sees the change at once: see the identity caches in src/auth/identity-service.ts).
import { randomBytes } from 'node:crypto';
import { ConfigError } from '#src/config.ts';
import { IdentityError } from '#src/auth/identity-service.ts';
import type { AdminContext } from './admin-context.ts';
import { recordedEndpoint, saveProfile } from './credentials.ts';
import { need, note, type Values } from './options.ts';

const generatedPassword = (): string => randomBytes(18).toString('base64url');

/** Runs one admin command; returns what to print. */
export async function adminCommand(noun: string, verb: string, values: Values, ctx: AdminContext): Promise<unknown> {
  const { identity } = ctx;
  switch (`${noun} ${verb}`) {
    case 'domain create':
      return identity.createDomain(need(values, 'name'));
    case 'user create': {
      const password = values.password ?? generatedPassword();
      const role = values.role ?? 'user';
      if (role !== 'admin' && role !== 'user') throw new ConfigError('--role must be admin or user');
      const u = await identity.createUser(need(values, 'domain'), need(values, 'name'), password, role);
      return { id: u.id, name: u.name, domain: u.domain_name, role: u.role, ...(values.password === undefined ? { password } : {}) };
    }
    case 'user list':
      return (await identity.listUsers()).map((u) => ({ id: u.id, name: u.name, domain: u.domain_name, role: u.role }));
    case 'user reset-password': {
      const password = values.password ?? generatedPassword();
      const u = await identity.resetPassword(need(values, 'domain'), need(values, 'name'), password);
      return { id: u.id, name: u.name, domain: u.domain_name, ...(values.password === undefined ? { password } : {}) };
    }
    case 'user delete': {
      const u = await identity.deleteUser(need(values, 'domain'), need(values, 'name'));
      return { deleted: 'user', id: u.id, name: u.name, domain: u.domain_name };
    }
    case 'project create': {
      const domain = need(values, 'domain');
      const p = await identity.createProject(domain, need(values, 'name'), values.id);
      for (const name of values.user ?? []) await identity.addMember(p, await identity.user(domain, name));
      return p;
    }
    case 'project add-member': {
      const domain = need(values, 'domain');
      await identity.addMember(await identity.project(domain, need(values, 'project')), await identity.user(domain, need(values, 'user')));
      return { result: 'ok' };
    }
    case 'project remove-member': {
      const domain = need(values, 'domain');
      const project = await identity.project(domain, need(values, 'project'));
      const user = await identity.user(domain, need(values, 'user'));
      if (!(await identity.removeMember(project.id, user.id))) throw new IdentityError(`${user.name} is not a member of project ${project.name}`);
      return { result: 'ok' };
    }
    case 'project delete': {
      const p = await identity.deleteProject(need(values, 'domain'), values.project ?? need(values, 'name'));
      return { deleted: 'project', id: p.id, name: p.name };
    }
    case 'project list':
      return identity.listProjects();
    case 'credential create':
      return createCredential(values, ctx);
    case 'credential list':
      return identity.listAccessKeys();
    case 'credential delete':
      if (!(await identity.deleteAccessKey(need(values, 'ak')))) throw new IdentityError('no such access key');
      return { result: 'ok' };
    default:
      throw new ConfigError(`unknown command "${noun} ${verb}"`);
  }
}

/**
 * A new AK/SK of a user, with the project id an SDK needs beside it: the --project given (the user
 * must be a member), else the user's only project. `projects` lists all of the user's projects.
 */
async function createCredential(values: Values, { identity, config }: AdminContext): Promise<unknown> {
  const domain = need(values, 'domain');
  const user = await identity.user(domain, need(values, 'user'));
  const projects = await identity.projectsOfUser(user.id);
  let projectId: string | undefined;
  if (values.project !== undefined) {
    const p = await identity.project(domain, values.project);
    if (!projects.some((m) => m.id === p.id)) throw new IdentityError(`${user.name} is not a member of project ${p.name}`);
    projectId = p.id;
  } else if (projects.length === 1) projectId = projects[0]!.id;
  if (values.profile !== undefined && projectId === undefined)
    throw new ConfigError(
      projects.length === 0
        ? `${user.name} is in no project: add them to one first (project add-member)`
        : `${user.name} is in several projects: name one with --project`,
    );
  const { ak, sk } = await identity.createAccessKey(user, values.description ?? '');
  const out = {
    ak,
    sk,
    user: user.name,
    domain: user.domain_name,
    ...(projectId !== undefined ? { project_id: projectId } : {}),
    projects: projects.map((p) => ({ id: p.id, name: p.name })),
  };
  if (values.profile !== undefined) {
    const endpoint = recordedEndpoint(config);
    const file = saveProfile(config, values.profile, {
      domain_name: user.domain_name,
      user_name: user.name,
      project_id: projectId!,
      ak,
      sk,
      ...(endpoint ? { endpoint } : {}),
    });
    note(`saved as profile ${values.profile} (${file}): atelier call --profile ${values.profile} ...`);
  }
  return out;
}
