import { accessKeyId, hexId, opaqueToken, secretAccessKey } from '#src/core/ids.ts';
import type { Clock } from '#src/core/time.ts';
import { sha256Hex } from './canonical-request.ts';
import type { IdentityStore, UserWithDomain } from './identity-store.ts';
import { hashPassword, verifyPassword } from './passwords.ts';
import type { SecretBox } from './secret-box.ts';
import type { ProjectRow, Role } from './tables.ts';

export class IdentityError extends Error {}

export interface IssuedToken {
  token: string;
  expiresAt: number;
  issuedAt: number;
  user: UserWithDomain;
  project: ProjectRow;
}

export interface AccessKeyOwner {
  secretKey: string;
  user: UserWithDomain;
}

const NAME = /^[A-Za-z0-9_.-]{1,64}$/;
const CACHE_MS = 5000;

/** Domains, users, projects, access keys and tokens: the IAM stand-in. */
export class IdentityService {
  // SK lookups happen on every signed request; a short cache keeps them off the database.
  private readonly akCache = new Map<string, { value: AccessKeyOwner | undefined; until: number }>();
  private readonly memberCache = new Map<string, number>();

  constructor(
    private readonly store: IdentityStore,
    private readonly secrets: SecretBox,
    private readonly clock: Clock,
    private readonly tokenTtlMs: number,
  ) {}

  private checkName(kind: string, name: string): void {
    if (!NAME.test(name)) throw new IdentityError(`${kind} name must be 1-64 letters, digits, '_', '-' or '.'`);
  }

  async hasDomains(): Promise<boolean> {
    return Number((await this.store.countDomains()).n) > 0;
  }

  async createDomain(name: string): Promise<{ id: string; name: string }> {
    this.checkName('domain', name);
    if (await this.store.domainByName(name)) throw new IdentityError(`domain ${name} already exists`);
    const row = { id: hexId(), name, created_at: this.clock.now() };
    await this.store.insertDomain(row);
    return row;
  }

  async domain(name: string) {
    const d = await this.store.domainByName(name);
    if (!d) throw new IdentityError(`no domain named ${name}`);
    return d;
  }

  async createUser(domainName: string, name: string, password: string, role: Role): Promise<UserWithDomain> {
    this.checkName('user', name);
    if (password.length < 8) throw new IdentityError('password must have at least 8 characters');
    const d = await this.domain(domainName);
    if (await this.store.userByName(d.id, name)) throw new IdentityError(`user ${name} already exists in ${domainName}`);
    await this.store.insertUser({
      id: hexId(),
      domain_id: d.id,
      name,
      password_hash: await hashPassword(password),
      role,
      created_at: this.clock.now(),
    });
    return (await this.store.userByName(d.id, name))!;
  }

  async user(domainName: string, name: string): Promise<UserWithDomain> {
    const d = await this.domain(domainName);
    const u = await this.store.userByName(d.id, name);
    if (!u) throw new IdentityError(`no user ${name} in ${domainName}`);
    return u;
  }

  userById(id: string): Promise<UserWithDomain | undefined> {
    return this.store.userById(id);
  }

  usersOfDomain(domainId: string): Promise<UserWithDomain[]> {
    return this.store.usersOfDomain(domainId);
  }

  async createProject(domainName: string, name: string, id: string = hexId()): Promise<ProjectRow> {
    this.checkName('project', name);
    if (!/^[0-9a-f]{32}$/.test(id)) throw new IdentityError('project id must be 32 lowercase hex characters');
    const d = await this.domain(domainName);
    if (await this.store.projectByName(d.id, name)) throw new IdentityError(`project ${name} already exists in ${domainName}`);
    if (await this.store.projectById(id)) throw new IdentityError(`project id ${id} is taken`);
    const row = { id, domain_id: d.id, name, created_at: this.clock.now() };
    await this.store.insertProject(row);
    return row;
  }

  async project(domainName: string, nameOrId: string): Promise<ProjectRow> {
    const d = await this.domain(domainName);
    const p = (await this.store.projectByName(d.id, nameOrId)) ?? (await this.store.projectById(nameOrId));
    if (!p || p.domain_id !== d.id) throw new IdentityError(`no project ${nameOrId} in ${domainName}`);
    return p;
  }

  projectById(id: string): Promise<ProjectRow | undefined> {
    return this.store.projectById(id);
  }

  async addMember(project: ProjectRow, user: UserWithDomain): Promise<void> {
    if (project.domain_id !== user.domain_id) throw new IdentityError('user and project belong to different domains');
    if (!(await this.store.isMember(project.id, user.id))) await this.store.addMember(project.id, user.id);
  }

  /** Whether the user may act in the project; positive answers are cached briefly. */
  async isMember(projectId: string, userId: string): Promise<boolean> {
    const key = `${projectId}/${userId}`;
    const now = this.clock.now();
    if ((this.memberCache.get(key) ?? 0) > now) return true;
    const member = await this.store.isMember(projectId, userId);
    if (member) this.memberCache.set(key, now + CACHE_MS);
    return member;
  }

  async createAccessKey(user: UserWithDomain, description = ''): Promise<{ ak: string; sk: string }> {
    const ak = accessKeyId();
    const sk = secretAccessKey();
    await this.store.insertAccessKey({
      ak,
      user_id: user.id,
      secret_enc: this.secrets.seal(sk),
      description,
      created_at: this.clock.now(),
    });
    return { ak, sk };
  }

  async deleteAccessKey(ak: string): Promise<boolean> {
    this.akCache.delete(ak);
    const r = await this.store.deleteAccessKey(ak);
    return Number(r.numDeletedRows) > 0;
  }

  listUsers() {
    return this.store.allUsers();
  }
  listProjects() {
    return this.store.allProjects();
  }
  listAccessKeys() {
    return this.store.allAccessKeys();
  }

  /** The SK and owner of an AK, or undefined for an unknown AK. */
  async accessKeyOwner(ak: string): Promise<AccessKeyOwner | undefined> {
    const now = this.clock.now();
    const hit = this.akCache.get(ak);
    if (hit && hit.until > now) return hit.value;
    const row = await this.store.accessKey(ak);
    const user = row ? await this.store.userById(row.user_id) : undefined;
    const value = row && user ? { secretKey: this.secrets.open(row.secret_enc), user } : undefined;
    this.akCache.set(ak, { value, until: now + CACHE_MS });
    return value;
  }

  /** Password login scoped to a project of the user's domain (the IAM POST /v3/auth/tokens). */
  async issueToken(input: {
    domainName: string;
    userName: string;
    password: string;
    project: { id?: string | undefined; name?: string | undefined };
  }): Promise<IssuedToken | undefined> {
    const d = await this.store.domainByName(input.domainName);
    const user = d ? await this.store.userByName(d.id, input.userName) : undefined;
    if (!d || !user || !(await verifyPassword(input.password, user.password_hash))) return undefined;
    const project = input.project.id
      ? await this.store.projectById(input.project.id)
      : await this.store.projectByName(d.id, input.project.name ?? '');
    if (!project || project.domain_id !== d.id || !(await this.store.isMember(project.id, user.id))) return undefined;
    const token = opaqueToken();
    const issuedAt = this.clock.now();
    const expiresAt = issuedAt + this.tokenTtlMs;
    await this.store.deleteExpiredTokens(issuedAt);
    await this.store.insertToken({
      token_hash: sha256Hex(token),
      user_id: user.id,
      project_id: project.id,
      expires_at: expiresAt,
      created_at: issuedAt,
    });
    return { token, expiresAt, issuedAt, user, project };
  }

  /** 'unknown' | 'expired' | the token's user and project. */
  async resolveToken(token: string): Promise<'unknown' | 'expired' | { user: UserWithDomain; projectId: string }> {
    const row = await this.store.token(sha256Hex(token));
    if (!row) return 'unknown';
    if (row.expires_at <= this.clock.now()) return 'expired';
    const user = await this.store.userById(row.user_id);
    return user ? { user, projectId: row.project_id } : 'unknown';
  }
}
