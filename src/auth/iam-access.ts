// Who may see what through the IAM APIs, and the Keystone shapes of users and projects. Another
// account's users and projects, and labeling team identities (managed through the workforce APIs),
// are answered as not found.
import type { FastifyRequest } from 'fastify';
import { iamErrors } from './iam-errors.ts';
import type { IdentityService } from './identity-service.ts';
import type { UserWithDomain } from './identity-store.ts';
import type { Principal } from './principal.ts';
import type { ProjectRow } from './tables.ts';

export function requireAdmin(who: Principal): void {
  if (who.role !== 'admin') throw iamErrors.forbidden("manage the account's users and projects: admins only");
}

/** A user of the caller's account that these APIs manage, or 404. */
export async function visibleUser(identity: IdentityService, who: Principal, userId: string): Promise<UserWithDomain> {
  const u = await identity.userById(userId);
  if (!u || u.domain_id !== who.domainId || u.role === 'worker') throw iamErrors.notFound('user', userId);
  return u;
}

/** A project of the caller's account, or 404. */
export async function visibleProject(identity: IdentityService, who: Principal, projectId: string): Promise<ProjectRow> {
  const p = await identity.projectById(projectId);
  if (!p || p.domain_id !== who.domainId) throw iamErrors.notFound('project', projectId);
  return p;
}

/** The body's domain_id, when given, must be the caller's account (another one is not told apart from none). */
export function checkDomain(who: Principal, domainId: string | undefined): void {
  if (domainId !== undefined && domainId !== who.domainId) throw iamErrors.notFound('domain', domainId);
}

const base = (req: FastifyRequest) => `${req.protocol}://${req.host}`;
const iso = (ms: number) => new Date(ms).toISOString();

export const listLinks = (req: FastifyRequest, path: string) => ({ self: `${base(req)}${path}`, previous: null, next: null });

export function userBody(req: FastifyRequest, u: UserWithDomain) {
  return {
    id: u.id,
    name: u.name,
    domain_id: u.domain_id,
    enabled: true,
    role: u.role === 'admin' ? ('admin' as const) : ('user' as const),
    create_time: iso(u.created_at),
    links: { self: `${base(req)}/v3/users/${u.id}` },
  };
}

export function projectBody(req: FastifyRequest, p: ProjectRow) {
  return {
    id: p.id,
    name: p.name,
    domain_id: p.domain_id,
    description: '',
    enabled: true,
    is_domain: false,
    parent_id: p.domain_id,
    links: { self: `${base(req)}/v3/projects/${p.id}` },
  };
}

export function credentialBody(k: { ak: string; user_id: string; description: string; created_at: number }) {
  return { access: k.ak, status: 'active' as const, user_id: k.user_id, description: k.description, create_time: iso(k.created_at) };
}
