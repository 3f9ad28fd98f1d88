import type { Db } from '#src/db/database.ts';

/** Who may use a recorded bucket: its owner and the accounts it was granted to. */
export interface BucketRecord {
  owner: string;
  grantees: readonly string[];
}

export interface BucketListing {
  name: string;
  owner_domain_id: string;
  owner_domain: string;
  created_at: number;
  grantees: { domain_id: string; domain: string }[];
}

/** SQL over the bucket ownership tables (buckets, bucket_grants). */
export class BucketStore {
  constructor(private readonly db: Db) {}

  async record(name: string): Promise<BucketRecord | null> {
    const row = await this.db.selectFrom('buckets').select('owner_domain_id').where('name', '=', name).executeTakeFirst();
    if (!row) return null;
    const grants = await this.db.selectFrom('bucket_grants').select('domain_id').where('bucket', '=', name).execute();
    return { owner: row.owner_domain_id, grantees: grants.map((g) => g.domain_id) };
  }

  /** Records the owner unless the bucket has one already; returns the owner in force afterwards. */
  async claim(name: string, domainId: string, now: number): Promise<string> {
    await this.db
      .insertInto('buckets')
      .values({ name, owner_domain_id: domainId, created_at: now })
      .onConflict((oc) => oc.column('name').doNothing())
      .execute();
    const row = await this.db.selectFrom('buckets').select('owner_domain_id').where('name', '=', name).executeTakeFirstOrThrow();
    return row.owner_domain_id;
  }

  async grant(bucket: string, domainId: string, now: number): Promise<void> {
    await this.db
      .insertInto('bucket_grants')
      .values({ bucket, domain_id: domainId, created_at: now })
      .onConflict((oc) => oc.columns(['bucket', 'domain_id']).doNothing())
      .execute();
  }

  /** False when the account had no grant on the bucket. */
  async revoke(bucket: string, domainId: string): Promise<boolean> {
    const r = await this.db.deleteFrom('bucket_grants').where('bucket', '=', bucket).where('domain_id', '=', domainId).executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }

  async list(): Promise<BucketListing[]> {
    const buckets = await this.db
      .selectFrom('buckets')
      .innerJoin('domains', 'domains.id', 'buckets.owner_domain_id')
      .select(['buckets.name', 'buckets.owner_domain_id', 'domains.name as owner_domain', 'buckets.created_at'])
      .orderBy('buckets.name')
      .execute();
    const grants = await this.db
      .selectFrom('bucket_grants')
      .innerJoin('domains', 'domains.id', 'bucket_grants.domain_id')
      .select(['bucket_grants.bucket', 'bucket_grants.domain_id', 'domains.name as domain'])
      .orderBy('domains.name')
      .execute();
    return buckets.map((b) => ({
      ...b,
      created_at: Number(b.created_at),
      grantees: grants.filter((g) => g.bucket === b.name).map((g) => ({ domain_id: g.domain_id, domain: g.domain })),
    }));
  }
}
