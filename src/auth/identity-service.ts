import { accessKeyId, hexId, opaqueToken, secretAccessKey } from '#src/core/ids.ts';
import type { Clock } from '#src/core/time.ts';
import { ResultCache, type Database } from '#src/db/database.ts';
import { isUniqueViolation } from '#src/db/driver-errors.ts';
import { SigningKey, sha256Hex } from './canonical-request.ts';
import type { IdentityStore, UserWithDomain } from './identity-store.ts';
import { hashPassword, unusablePasswordHash, verifyPassword } from './passwords.ts';
import type { SecretBox } from './secret-box.ts';
import type { ProjectRow, Role } from './tables.ts';

/** What a refusal is about, so the HTTP APIs answer it with the right status (the CLI prints the message). */
export type IdentityErrorKind = 'invalid' | 'conflict' | 'missing';

export class IdentityError extends Error {
  constructor(
    message: string,
    readonly kind: IdentityErrorKind = 'invalid',
  ) {
    super(message);
  }
}

/** Access keys a user may hold through the HTTP API (IAM's limit); the operator's CLI is not bound by it. */
export const ACCESS_KEYS_PER_USER = 2;

export interface IssuedToken {
  token: string;
  expiresAt: number;
  issuedAt: number;
  user: UserWithDomain;
  project: ProjectRow;
}

export interface AccessKeyOwner {
  secretKey: string;
  /** The SK ready to check signatures, made once per cache entry. */
  signingKey: SigningKey;
  user: UserWithDomain;
}

const NAME = /^[A-Za-z0-9_.-]{1,64}$/;

function checkPassword(password: string): void {
  if (password.length < 8) throw new IdentityError('password must have at least 8 characters');
}

/**
 * Tables whose rows of a project go with it when it is deleted: the identity's own (memberships,
 * tokens), the task queue's records, and the project's settings (authorizations, agencies). Rows
 * anywhere else (datasets, jobs, models, services, ...) are the project's work: a project holding
 * any is not deleted.
 */
const GOES_WITH_PROJECT = new Set(['project_members', 'tokens', 'tasks', 'authorizations', 'agencies']);

/**
 * How long a cached access key or membership may outlive its deletion by another PostgreSQL
 * replica. On SQLite a deletion by another process (the CLI) is seen within
 * FOREIGN_WRITES_POLL_MS, and this process's own writes clear the cache at once.
 */
export const IDENTITY_CACHE_MS = 5000;
const OWNERS = 'access-keys';
const isTrue = (v: boolean) => v;
const isDefined = <T>(v: T | undefined) => v !== undefined;

/** Domains, users, projects, access keys and tokens: the IAM stand-in. */
export class IdentityService {
  // Every signed request needs the SK (decrypted) and the caller's membership: both are cached,
  // positive answers only, so the hot path stays off the database and the cipher.
  private readonly owners: ResultCache<AccessKeyOwner | undefined>;
  private readonly members: ResultCache<boolean>;
  // Unknown AKs apart, so a stream of made-up keys cannot push real ones out of `owners`. Keeping
  // them spares the database a read per refused request, which would otherwise tell an unknown AK
  // from a known one by its time. AKs are random: one cannot exist before it was issued, and an
  // issue here clears this cache at once.
  private readonly unknownKeys: ResultCache<boolean>;

  private ownerDomain: string | undefined;

  constructor(
    private readonly store: IdentityStore,
    private readonly secrets: SecretBox,
    private readonly clock: Clock,
    private readonly tokenTtlMs: number,
    database: Database,
  ) {
    const options = { maxEntries: 10_000, maxAgeMs: IDENTITY_CACHE_MS, unseenWriters: 'bounded' } as const;
    this.owners = new ResultCache(database, options);
    this.members = new ResultCache(database, options);
    this.unknownKeys = new ResultCache(database, options);
  }

  /** After any write to the identity tables: what the caches hold may have changed. */
  private changed(): void {
    this.owners.invalidate();
    this.members.invalidate();
    this.unknownKeys.invalidate();
  }

  private checkName(kind: string, name: string): void {
    if (!NAME.test(name)) throw new IdentityError(`${kind} name must be 1-64 letters, digits, '_', '-' or '.'`);
  }

  async hasDomains(): Promise<boolean> {
    return Number((await this.store.countDomains()).n) > 0;
  }

  /**
   * The account that owns this server: the first domain created (the bootstrap account). It owns
   * bucket folders that have no recorded owner, and its workloads may run without a sandbox.
   */
  async ownerDomainId(): Promise<string | undefined> {
    this.ownerDomain ??= (await this.store.firstDomain())?.id;
    return this.ownerDomain;
  }

  async createDomain(name: string): Promise<{ id: string; name: string }> {
    this.checkName('domain', name);
    if (await this.store.domainByName(name)) throw new IdentityError(`domain ${name} already exists`, 'conflict');
    const row = { id: hexId(), name, created_at: this.clock.now() };
    await this.store.insertDomain(row);
    this.changed();
    return row;
  }

  async domain(name: string) {
    const d = await this.store.domainByName(name);
    if (!d) throw new IdentityError(`no domain named ${name}`, 'missing');
    return d;
  }

  async createUser(domainName: string, name: string, password: string, role: Role): Promise<UserWithDomain> {
    this.checkName('user', name);
    checkPassword(password);
    const d = await this.domain(domainName);
    if (await this.store.userByName(d.id, name)) throw new IdentityError(`user ${name} already exists in ${domainName}`, 'conflict');
    await this.store.insertUser({
      id: hexId(),
      domain_id: d.id,
      name,
      password_hash: await hashPassword(password),
      role,
      created_at: this.clock.now(),
    });
    this.changed();
    return (await this.store.userByName(d.id, name))!;
  }

  async user(domainName: string, name: string): Promise<UserWithDomain> {
    const d = await this.domain(domainName);
    const u = await this.store.userByName(d.id, name);
    if (!u) throw new IdentityError(`no user ${name} in ${domainName}`, 'missing');
    return u;
  }

  /** A new password for the user; their tokens end with it (a token outliving a reset would keep the old password's access). */
  async resetPassword(domainName: string, userName: string, password: string): Promise<UserWithDomain> {
    checkPassword(password);
    const u = await this.user(domainName, userName);
    await this.store.setPasswordHash(u.id, await hashPassword(password));
    await this.store.deleteTokensOfUser(u.id);
    this.changed();
    return u;
  }

  /** Deletes the user with everything that lets them in: access keys, tokens, project memberships. */
  async deleteUser(domainName: string, userName: string): Promise<UserWithDomain> {
    const u = await this.user(domainName, userName);
    await this.store.deleteUser(u.id);
    this.changed();
    return u;
  }

  /**
   * The sign-in identity of a labeling team member of the domain, named by their e-mail address
   * (other users' names cannot hold an '@', so the two never meet), made on first use with no
   * password: their invitation sets one. The caller checks the address.
   */
  async workerIdentity(domainId: string, email: string): Promise<UserWithDomain> {
    const existing = await this.store.userByName(domainId, email);
    if (existing) {
      if (existing.role !== 'worker') throw new IdentityError(`user ${email} exists and is not a worker`, 'conflict');
      return existing;
    }
    try {
      await this.store.insertUser({
        id: hexId(),
        domain_id: domainId,
        name: email,
        password_hash: unusablePasswordHash(),
        role: 'worker',
        created_at: this.clock.now(),
      });
    } catch (e) {
      // Another replica made the same identity meanwhile: use it.
      if (!isUniqueViolation(e)) throw e;
    }
    this.changed();
    return (await this.store.userByName(domainId, email))!;
  }

  /** Sets a worker's password (from their invitation); their earlier tokens end with the old one. */
  async setWorkerPassword(userId: string, password: string): Promise<UserWithDomain> {
    checkPassword(password);
    const u = await this.store.userById(userId);
    if (!u || u.role !== 'worker') throw new IdentityError(`no worker ${userId}`, 'missing');
    await this.store.setPasswordHash(u.id, await hashPassword(password));
    await this.store.deleteTokensOfUser(u.id);
    this.changed();
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
    if (await this.store.projectByName(d.id, name)) throw new IdentityError(`project ${name} already exists in ${domainName}`, 'conflict');
    if (await this.store.projectById(id)) throw new IdentityError(`project id ${id} is taken`, 'conflict');
    const row = { id, domain_id: d.id, name, created_at: this.clock.now() };
    await this.store.insertProject(row);
    this.changed();
    return row;
  }

  async project(domainName: string, nameOrId: string): Promise<ProjectRow> {
    const d = await this.domain(domainName);
    const p = (await this.store.projectByName(d.id, nameOrId)) ?? (await this.store.projectById(nameOrId));
    if (!p || p.domain_id !== d.id) throw new IdentityError(`no project ${nameOrId} in ${domainName}`, 'missing');
    return p;
  }

  /**
   * Deletes an empty project with its memberships and tokens. A project that still holds work
   * (datasets, jobs, models, services, ...) is refused, naming what it holds: deleting those is
   * the API's job, which stops what runs and cleans up after it.
   */
  async deleteProject(domainName: string, nameOrId: string): Promise<ProjectRow> {
    const p = await this.project(domainName, nameOrId);
    const held = await this.store.projectHoldings(p.id, GOES_WITH_PROJECT);
    if (held.length > 0) {
      const what = held.map((h) => `${h.table}: ${h.rows}`).join(', ');
      throw new IdentityError(`project ${p.name} still holds ${what}; delete those through the API first`, 'conflict');
    }
    await this.store.deleteProject(p.id);
    this.changed();
    return p;
  }

  /** The projects the user is a member of, by name. */
  projectsOfUser(userId: string): Promise<ProjectRow[]> {
    return this.store.projectsOfUser(userId);
  }

  projectById(id: string): Promise<ProjectRow | undefined> {
    return this.store.projectById(id);
  }

  async addMember(project: ProjectRow, user: UserWithDomain): Promise<void> {
    if (project.domain_id !== user.domain_id) throw new IdentityError('user and project belong to different domains');
    if (!(await this.store.isMember(project.id, user.id))) await this.store.addMember(project.id, user.id);
    this.changed();
  }

  /** Takes the user out of the project and ends their tokens there, so their next request in it is refused; false when they were not a member. */
  async removeMember(projectId: string, userId: string): Promise<boolean> {
    const r = await this.store.removeMember(projectId, userId);
    await this.store.deleteTokensOfUserInProject(userId, projectId);
    this.changed();
    return Number(r.numDeletedRows) > 0;
  }

  /** A cached "yes, a member" (see isMember), or undefined when the database has to be asked. */
  cachedMembership(projectId: string, userId: string): true | undefined {
    return this.members.peek(projectId, userId) ? true : undefined;
  }

  /** Whether the user may act in the project. Only "yes" is cached: a refusal is an error path. */
  async isMember(projectId: string, userId: string): Promise<boolean> {
    return this.members.get(projectId, userId, () => this.store.isMember(projectId, userId), isTrue);
  }

  async createAccessKey(user: UserWithDomain, description = ''): Promise<{ ak: string; sk: string; created_at: number }> {
    const ak = accessKeyId();
    const sk = secretAccessKey();
    const created_at = this.clock.now();
    await this.store.insertAccessKey({ ak, user_id: user.id, secret_enc: this.secrets.seal(sk), description, created_at });
    this.changed();
    return { ak, sk, created_at };
  }

  async deleteAccessKey(ak: string): Promise<boolean> {
    const r = await this.store.deleteAccessKey(ak);
    this.changed();
    return Number(r.numDeletedRows) > 0;
  }

  /**
   * A new access key of the user, as the HTTP API issues them: at most ACCESS_KEYS_PER_USER each,
   * so a key can be rotated (make the second, switch, delete the first) but not hoarded.
   */
  async createBoundedAccessKey(user: UserWithDomain, description: string): Promise<{ ak: string; sk: string; created_at: number }> {
    const ak = accessKeyId();
    const sk = secretAccessKey();
    const created_at = this.clock.now();
    const held = await this.store.insertAccessKeyUpTo(
      { ak, user_id: user.id, secret_enc: this.secrets.seal(sk), description, created_at },
      ACCESS_KEYS_PER_USER,
    );
    if (held >= ACCESS_KEYS_PER_USER) {
      throw new IdentityError(`user ${user.name} already holds ${held} access keys, the most one may; delete one first`, 'conflict');
    }
    this.changed();
    return { ak, sk, created_at };
  }

  /** An access key's record without its secret, or undefined. */
  async accessKeyRecord(ak: string): Promise<{ ak: string; user_id: string; description: string; created_at: number } | undefined> {
    const row = await this.store.accessKey(ak);
    return row ? { ak: row.ak, user_id: row.user_id, description: row.description, created_at: row.created_at } : undefined;
  }

  accessKeysOfUser(userId: string) {
    return this.store.accessKeysOfUser(userId);
  }
  accessKeysOfDomain(domainId: string) {
    return this.store.accessKeysOfDomain(domainId);
  }
  usersOfProject(projectId: string): Promise<UserWithDomain[]> {
    return this.store.usersOfProject(projectId);
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

  /** A cached owner of the AK (see accessKeyOwner), or undefined when the database has to be asked. */
  cachedAccessKeyOwner(ak: string): AccessKeyOwner | undefined {
    return this.owners.peek(OWNERS, ak)?.value;
  }

  /** The SK and owner of an AK, or undefined for an unknown AK; both answers are cached. */
  async accessKeyOwner(ak: string): Promise<AccessKeyOwner | undefined> {
    const hit = this.owners.peek(OWNERS, ak);
    if (hit) return hit.value;
    let owner: AccessKeyOwner | undefined;
    const unknown = await this.unknownKeys.get(
      OWNERS,
      ak,
      async () => (owner = await this.owners.get(OWNERS, ak, () => this.readAccessKeyOwner(ak), isDefined)) === undefined,
      isTrue,
    );
    return unknown ? undefined : owner;
  }

  private async readAccessKeyOwner(ak: string): Promise<AccessKeyOwner | undefined> {
    const row = await this.store.accessKey(ak);
    const user = row ? await this.store.userById(row.user_id) : undefined;
    if (!row || !user) return undefined;
    const secretKey = this.secrets.open(row.secret_enc);
    return { secretKey, signingKey: new SigningKey(secretKey), user };
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
    // An unknown domain or user costs the same scrypt work as a wrong password (see verifyPassword).
    const passwordOk = await verifyPassword(input.password, user?.password_hash);
    if (!d || !user || !passwordOk) return undefined;
    const project = input.project.id ? await this.store.projectById(input.project.id) : await this.store.projectByName(d.id, input.project.name ?? '');
    if (!project || project.domain_id !== d.id || !(await this.store.isMember(project.id, user.id))) return undefined;
    const token = opaqueToken();
    const issuedAt = this.clock.now();
    const expiresAt = issuedAt + this.tokenTtlMs;
    await this.store.deleteExpiredTokens(issuedAt);
    if (user.role === 'worker') await this.store.setLastSignIn(user.id, issuedAt);
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
