import { timingSafeEqual } from 'node:crypto';
import type { IdentityService } from '#src/auth/identity-service.ts';
import type { Principal } from '#src/auth/principal.ts';
import type { SecretBox } from '#src/auth/secret-box.ts';
import { apiError, errors } from '#src/core/errors.ts';
import type { Clock } from '#src/core/time.ts';
import { ResultCache, type Database } from '#src/db/database.ts';
import type { AuthorizationResponse, CreateAuthorizationRequest, ListAuthorizationsQuery } from './schemas.ts';
import type { AuthorizationStore } from './store.ts';
import type { AuthorizationRow } from './tables.ts';

const ALL_USERS = 'all';
const MASKED_SECRET = '********';

export interface AuthorizationList {
  total_count: number;
  auth: AuthorizationResponse[];
}

/** ModelArts authorizations: which agency or AK/SK the platform uses on a user's behalf. */
export class AuthorizationService {
  // Listed far more often than written: pages are kept per project until this process writes that
  // project's authorizations, or another process commits to the same SQLite file (seen within
  // FOREIGN_WRITES_POLL_MS). Where other replicas' writes cannot be seen (PostgreSQL), none are kept.
  private readonly pages: ResultCache<AuthorizationList>;

  constructor(
    private readonly store: AuthorizationStore,
    private readonly identity: IdentityService,
    private readonly secrets: SecretBox,
    private readonly clock: Clock,
    database: Database,
  ) {
    this.pages = new ResultCache(database, { maxEntries: 1000, maxAgeMs: 60_000, unseenWriters: 'off' });
  }

  /** Only an administrator may act for other users. */
  private requireSelfOrAdmin(caller: Principal, userId: string): void {
    if (caller.role !== 'admin' && userId !== caller.userId) {
      throw errors.forbidden(`authorization of user ${userId}`);
    }
  }

  async configure(caller: Principal, req: CreateAuthorizationRequest): Promise<void> {
    const type = req.type ?? 'agency';
    const userId = req.user_id?.trim() || (type === 'credential' ? caller.userId : '');
    if (userId === '') throw apiError(400, 'ModelArts.6377');
    if (req.content.trim() === '') {
      if (type === 'agency') throw apiError(400, 'ModelArts.6378');
      throw errors.badParam('body.content must hold the access key id');
    }
    this.requireSelfOrAdmin(caller, userId);

    let secretEnc: string | null = null;
    if (type === 'agency') {
      if (req.secret_key !== undefined) throw errors.badParam('body.secret_key is only for type credential');
      if (!(await this.store.agencyExists(caller.projectId, req.content))) throw apiError(400, 'ModelArts.6376', `(${req.content})`);
    } else {
      if (userId === ALL_USERS) throw errors.badParam('body.user_id cannot be "all" for type credential');
      if (!req.secret_key) throw errors.badParam('body.secret_key is required for type credential');
      const owner = await this.identity.accessKeyOwner(req.content);
      if (!owner || !sameSecret(owner.secretKey, req.secret_key)) throw apiError(400, 'ModelArts.6353');
      if (owner.user.id !== userId) throw apiError(400, 'ModelArts.6354');
      secretEnc = this.secrets.seal(req.secret_key);
    }

    const users =
      userId === ALL_USERS
        ? await this.identity.usersOfDomain(caller.domainId)
        : [await this.identity.userById(userId)].filter((u) => u !== undefined && u.domain_id === caller.domainId);
    if (users.length === 0) throw errors.badParam(`body.user_id: no user ${userId} in this account`);

    const now = this.clock.now();
    const rows: AuthorizationRow[] = users.map((u) => ({
      project_id: caller.projectId,
      user_id: u!.id,
      user_name: u!.name,
      type,
      content: req.content,
      secret_enc: secretEnc,
      create_time: now,
    }));
    await this.store.upsertAll(rows);
    this.pages.invalidate(caller.projectId);
  }

  /** The page when it is cached, else undefined (then call list). */
  cachedList(caller: Principal, q: ListAuthorizationsQuery): AuthorizationList | undefined {
    return this.pages.peek(caller.projectId, pageKey(q))?.value;
  }

  list(caller: Principal, q: ListAuthorizationsQuery): Promise<AuthorizationList> {
    return this.pages.get(caller.projectId, pageKey(q), () => this.readList(caller.projectId, q), isSmall);
  }

  private async readList(projectId: string, q: ListAuthorizationsQuery): Promise<AuthorizationList> {
    const total = await this.store.count(projectId);
    // The spec calls offset the "start page", so it counts pages of `limit` records.
    const rows = await this.store.page(projectId, q.sort_by ?? 'create_time', q.order ?? 'desc', q.limit, q.offset * q.limit);
    return {
      total_count: total,
      auth: rows.map((r) => ({
        user_id: r.user_id,
        type: r.type,
        content: r.content,
        ...(r.secret_enc ? { secret_key: MASKED_SECRET } : {}),
        user_name: r.user_name,
        create_time: r.create_time,
      })),
    };
  }

  async remove(caller: Principal, userId: string | undefined): Promise<void> {
    const target = userId ?? caller.userId;
    this.requireSelfOrAdmin(caller, target);
    const deleted = await this.store.delete(caller.projectId, target === ALL_USERS ? undefined : target);
    this.pages.invalidate(caller.projectId);
    if (deleted === 0) throw apiError(400, 'ModelArts.0429');
  }

  async createAgency(caller: Principal, suffix: string | undefined): Promise<string> {
    const name = suffix ? `ma_agency_${suffix}` : 'modelarts_agency';
    await this.store.insertAgencyIfAbsent(caller.projectId, name, caller.userId, this.clock.now());
    return name;
  }
}

/** Compares an SK without leaking through timing how much of it matched. */
function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}

// Pages of at most this many records are kept, so the cache stays within a few megabytes.
const CACHED_PAGE_MAX = 100;
const isSmall = (list: AuthorizationList): boolean => list.auth.length <= CACHED_PAGE_MAX;

// Most requests ask for the first page in the default order: their key is the limit alone, a
// string V8 keeps for small numbers, so no text is built per request.
const pageKey = (q: ListAuthorizationsQuery): string =>
  q.sort_by === undefined && q.order === undefined && q.offset === 0
    ? String(q.limit)
    : `${q.sort_by ?? 'create_time'} ${q.order ?? 'desc'} ${q.limit} ${q.offset}`;
