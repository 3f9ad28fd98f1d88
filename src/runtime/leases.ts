import type { Clock } from '#src/core/time.ts';
import type { Db } from '#src/db/database.ts';
import { isUniqueViolation } from '#src/db/driver-errors.ts';

/**
 * Named leases in the database, so that among replicas sharing it one at a time owns a piece of
 * work. Taking and renewing is one conditional UPDATE (held by me, or expired), atomic on SQLite
 * and PostgreSQL alike: on PostgreSQL a second UPDATE of the row waits for the first and re-reads
 * the condition. An owner that dies without releasing holds the lease until it expires. Expiry is
 * compared with the writing replica's clock, so replicas' clocks must agree to well under the TTL.
 */
export class LeaseStore {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
  ) {}

  /** Takes or renews `name` for `owner` for `ttlMs`; false while another owner holds it unexpired. */
  async acquire(name: string, owner: string, ttlMs: number): Promise<boolean> {
    const now = this.clock.now();
    const r = await this.db
      .updateTable('leases')
      .set({ owner, expires_at: now + ttlMs, updated_at: now })
      .where('name', '=', name)
      .where((eb) => eb.or([eb('owner', '=', owner), eb('expires_at', '<', now)]))
      .executeTakeFirst();
    if (Number(r.numUpdatedRows) > 0) return true;
    try {
      await this.db
        .insertInto('leases')
        .values({ name, owner, expires_at: now + ttlMs, updated_at: now })
        .execute();
      return true;
    } catch (e) {
      if (isUniqueViolation(e)) return false; // it exists and someone else holds it
      throw e;
    }
  }

  /** Gives `name` up at once, if `owner` still holds it. */
  async release(name: string, owner: string): Promise<void> {
    await this.db.deleteFrom('leases').where('name', '=', name).where('owner', '=', owner).execute();
  }

  /** The current holder, expired or not (for tests and diagnostics). */
  holder(name: string): Promise<{ owner: string; expires_at: number } | undefined> {
    return this.db.selectFrom('leases').select(['owner', 'expires_at']).where('name', '=', name).executeTakeFirst();
  }
}

export interface ReplicaLeases {
  /** This replica's name (replica-id.ts). */
  id: string;
  leases: LeaseStore;
  /** How long a replica that died keeps what it held. */
  ttlMs: number;
}
