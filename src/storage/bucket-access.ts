// Buckets belong to an account (domain), as in OBS. A bucket with a recorded owner may be used by
// its owner and the accounts it was granted to; a bucket that exists in the object store with no
// recorded owner (a folder dropped into the data directory, a bucket of the s3 bucket map) belongs to
// the account that owns the server; a bucket that does not exist yet is claimed by the first account
// that writes to it through the API. Every API that names an object path asks here first.
import { apiError } from '#src/core/errors.ts';
import type { Clock } from '#src/core/time.ts';
import { ResultCache, type Database } from '#src/db/database.ts';
import type { BucketListing, BucketRecord, BucketStore } from './bucket-store.ts';
import type { ObjectStore } from './object-store.ts';
import { bucketProblem, type ObjectPath } from './obs-path.ts';

/** Reading and deleting leave an unowned bucket alone; writing to a bucket that does not exist claims it. */
export type BucketUse = 'read' | 'write' | 'delete';

/** The account asking: a principal (its domain), or the project a background task works for. */
export type BucketUser = { domainId: string } | { projectId: string };

/** What the identity service tells about accounts (IdentityService has these). */
export interface AccountDirectory {
  /** The account that owns the server (the first domain). */
  ownerDomainId(): Promise<string | undefined>;
  projectById(id: string): Promise<{ domain_id: string } | undefined>;
}

/** A refused admin command (the CLI shows the message). */
export class BucketError extends Error {}

/**
 * How long a cached owner or grant may outlive a change made by another PostgreSQL replica. On
 * SQLite a change by another process (the CLI) is seen within FOREIGN_WRITES_POLL_MS, and this
 * process's own changes clear the cache at once.
 */
export const BUCKET_CACHE_MS = 5000;
const GROUP = 'buckets';
const MAX_PROJECTS = 10_000;

export const bucketForbidden = (field: string, bucket: string) => apiError(403, 'ModelArts.4310', `(${field}: bucket "${bucket}" belongs to another account)`);

/** The bucket-ownership port: "may this account use bucket B", "claim B", and the admin commands. */
export class BucketAccess {
  // Every sample path names a bucket, and buckets change rarely: owners and grants are cached.
  private readonly records: ResultCache<BucketRecord | null>;
  /** A project never changes its domain. */
  private readonly projectDomains = new Map<string, string>();

  constructor(
    private readonly store: BucketStore,
    private readonly objects: Pick<ObjectStore, 'bucketExists' | 'ensureBucket'>,
    private readonly accounts: AccountDirectory,
    database: Database,
    private readonly clock: Clock,
  ) {
    this.records = new ResultCache(database, { maxEntries: 10_000, maxAgeMs: BUCKET_CACHE_MS, unseenWriters: 'bounded' });
  }

  /**
   * Throws 403 ModelArts.4310 naming `field` and the bucket unless the account may use the bucket of
   * `path`; a write to a bucket that does not exist claims it for the account. Call it where the
   * request's path is parsed, before anything is stored or read.
   */
  async check(user: BucketUser, path: ObjectPath | string, field: string, use: BucketUse = 'read'): Promise<void> {
    const bucket = typeof path === 'string' ? path : path.bucket;
    const domainId = await this.domainOf(user);
    if (!(await this.permits(domainId, bucket, use))) throw bucketForbidden(field, bucket);
  }

  /** Checks every path of a list (duplicates of a bucket are asked once). */
  async checkAll(user: BucketUser, paths: readonly { path: ObjectPath; field: string }[], use: BucketUse = 'read'): Promise<void> {
    const seen = new Set<string>();
    for (const { path, field } of paths) {
      if (seen.has(path.bucket)) continue;
      seen.add(path.bucket);
      await this.check(user, path, field, use);
    }
  }

  /**
   * Whether the account may read (or delete in) the bucket now, for background work that meets
   * paths inside files or rows (a manifest's sources): a foreign one is skipped and reported, not
   * read. Never claims.
   */
  async allows(user: BucketUser, bucket: string): Promise<boolean> {
    if (bucketProblem(bucket) !== undefined) return false;
    return this.permits(await this.domainOf(user), bucket, 'read');
  }

  async domainOf(user: BucketUser): Promise<string> {
    if ('domainId' in user) return user.domainId;
    const known = this.projectDomains.get(user.projectId);
    if (known) return known;
    const project = await this.accounts.projectById(user.projectId);
    if (!project) throw new Error(`project ${user.projectId} does not exist`);
    if (this.projectDomains.size >= MAX_PROJECTS) this.projectDomains.clear();
    this.projectDomains.set(user.projectId, project.domain_id);
    return project.domain_id;
  }

  private record(bucket: string): Promise<BucketRecord | null> {
    return this.records.get(GROUP, bucket, () => this.store.record(bucket));
  }

  private async permits(domainId: string, bucket: string, use: BucketUse): Promise<boolean> {
    const rec = await this.record(bucket);
    if (rec) return mayUse(rec, domainId);
    const owner = await this.accounts.ownerDomainId();
    // The server's account owns every unrecorded bucket that exists, and may claim the rest.
    if (domainId === owner && use !== 'write') return true;
    const exists = await this.objects.bucketExists(bucket);
    if (exists) return domainId === owner;
    // Nothing to read or delete in a bucket that does not exist; a write makes it the writer's.
    if (use !== 'write') return true;
    await this.store.claim(bucket, domainId, this.clock.now());
    this.records.invalidate();
    const after = await this.store.record(bucket);
    return after !== null && mayUse(after, domainId);
  }

  // Admin commands (the CLI): each takes domain ids, checked by the caller.

  /**
   * Creates the bucket in the object store for the account. A bucket without a recorded owner is
   * given to it (a folder dropped into the data directory, say); one of another account is refused.
   */
  async create(domainId: string, bucket: string): Promise<void> {
    checkName(bucket);
    const owner = await this.store.claim(bucket, domainId, this.clock.now());
    this.records.invalidate();
    if (owner !== domainId) throw new BucketError(`bucket ${bucket} belongs to another account`);
    await this.objects.ensureBucket(bucket);
  }

  /** Lets another account use the bucket (read and write). An unrecorded bucket is first recorded as the server's. */
  async grant(bucket: string, domainId: string): Promise<void> {
    checkName(bucket);
    let rec = await this.store.record(bucket);
    if (!rec) {
      const owner = await this.accounts.ownerDomainId();
      if (!owner || !(await this.objects.bucketExists(bucket))) throw new BucketError(`no bucket ${bucket}; create it first (atelier bucket create)`);
      await this.store.claim(bucket, owner, this.clock.now());
      rec = await this.store.record(bucket);
    }
    if (rec?.owner === domainId) throw new BucketError(`the account already owns bucket ${bucket}`);
    await this.store.grant(bucket, domainId, this.clock.now());
    this.records.invalidate();
  }

  /** False when the account had no grant on the bucket. */
  async revoke(bucket: string, domainId: string): Promise<boolean> {
    checkName(bucket);
    const removed = await this.store.revoke(bucket, domainId);
    this.records.invalidate();
    return removed;
  }

  list(): Promise<BucketListing[]> {
    return this.store.list();
  }
}

function mayUse(rec: BucketRecord, domainId: string): boolean {
  return rec.owner === domainId || rec.grantees.includes(domainId);
}

function checkName(bucket: string): void {
  const problem = bucketProblem(bucket);
  if (problem) throw new BucketError(`bucket ${problem}`);
}
