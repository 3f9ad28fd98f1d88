// The sampler's histories shared by replicas through the database. One replica at a time samples (the one holding
// the sampler's lease) and writes, after its passes, the buckets they changed and each pool's latest reading; every
// other replica reads what changed since it last looked before it answers. A replica that takes
// the lease (or starts again) reads the stored history first, so it goes on filling the buckets where they stood.
//
// Retention is the histories' own (history.ts): raw samples for an hour, 1-minute buckets for a day and 10-minute
// buckets for 7 days, the furthest back the monitor's time_range reaches. Older rows are deleted once a minute, and
// the rows of a pool that is gone as soon as the sampler no longer sees it: at most (raw slots + 1441 + 1009) rows
// per series, 2,811 with the default 10 s interval.
import type { Clock } from '#src/core/time.ts';
import type { Db } from '#src/db/database.ts';
import type { ReplicaLeases } from '../leases.ts';
import type { StoredBucket } from './history.ts';
import type { MetricBucketRow, MetricLatestRow } from './metric-tables.ts';

const LEASE = 'metrics-sampler';
const PRUNE_EVERY_MS = 60_000;

/** What a save writes of one series: per tier, the buckets changed since the last save; for a pool its latest reading. */
export interface SeriesWrite {
  series: string;
  tiers: readonly (readonly StoredBucket[])[];
  /** How far back each tier reaches (its slots × width), ms. */
  spans: readonly number[];
  latest?: object;
}

/** What changed in the database since the last read. */
export interface SeriesChanges {
  buckets: { series: string; tier: number; bucket: StoredBucket }[];
  latest: { series: string; reading: unknown }[];
}

export class SharedHistory {
  /** The newest `updated_at` read or written: the next read asks for rows from there on. */
  private seen = 0;
  private prunedAt = 0;

  constructor(
    private readonly db: Db,
    private readonly replica: ReplicaLeases,
    private readonly clock: Clock,
    /** How long the lease outlives a pass: longer than the sampling interval, so the holder keeps it. */
    private readonly ttlMs: number,
  ) {}

  /** Takes or renews the sampler's lease; false while another replica holds it (or the database cannot be reached). */
  claim(): Promise<boolean> {
    return this.replica.leases.acquire(LEASE, this.replica.id, this.ttlMs).catch(() => false);
  }

  /** Gives the lease up, so another replica samples at once. */
  async release(): Promise<void> {
    await this.replica.leases.release(LEASE, this.replica.id).catch(() => undefined);
  }

  /** Deletes a series (a pool that was deleted). */
  async remove(series: string): Promise<void> {
    await this.db.deleteFrom('metric_buckets').where('series', '=', series).execute();
    await this.db.deleteFrom('metric_latest').where('series', '=', series).execute();
  }

  /** The buckets and readings written since the last read (everything, the first time), oldest first per tier. */
  async changes(): Promise<SeriesChanges> {
    const since = this.seen;
    const [buckets, latest] = await Promise.all([
      this.db.selectFrom('metric_buckets').selectAll().where('updated_at', '>=', since).orderBy('tier').orderBy('start').execute(),
      this.db.selectFrom('metric_latest').selectAll().where('updated_at', '>=', since).execute(),
    ]);
    for (const r of [...buckets, ...latest]) this.seen = Math.max(this.seen, Number(r.updated_at));
    return {
      buckets: buckets.map((r) => ({
        series: r.series,
        tier: Number(r.tier),
        bucket: { start: Number(r.start), count: Number(r.count), stats: JSON.parse(r.stats) as number[] },
      })),
      latest: latest.map((r) => ({ series: r.series, reading: JSON.parse(r.reading) as unknown })),
    };
  }

  /** Writes a pass; once a minute, deletes the rows past their tier's span. */
  async save(writes: readonly SeriesWrite[]): Promise<void> {
    const now = this.clock.now();
    const buckets: MetricBucketRow[] = writes.flatMap((w) =>
      w.tiers.flatMap((bs, tier) =>
        bs.map((b) => ({ series: w.series, tier, start: b.start, count: b.count, stats: JSON.stringify(b.stats), updated_at: now })),
      ),
    );
    const latest: MetricLatestRow[] = writes.flatMap((w) => (w.latest ? [{ series: w.series, reading: JSON.stringify(w.latest), updated_at: now }] : []));
    if (buckets.length > 0)
      await this.db
        .insertInto('metric_buckets')
        .values(buckets)
        .onConflict((oc) =>
          oc.columns(['series', 'tier', 'start']).doUpdateSet((eb) => ({
            count: eb.ref('excluded.count'),
            stats: eb.ref('excluded.stats'),
            updated_at: eb.ref('excluded.updated_at'),
          })),
        )
        .execute();
    if (latest.length > 0)
      await this.db
        .insertInto('metric_latest')
        .values(latest)
        .onConflict((oc) => oc.column('series').doUpdateSet((eb) => ({ reading: eb.ref('excluded.reading'), updated_at: eb.ref('excluded.updated_at') })))
        .execute();
    this.seen = Math.max(this.seen, now);

    if (now - this.prunedAt >= PRUNE_EVERY_MS && writes[0]) {
      this.prunedAt = now;
      // A pool deleted while no replica ran: its last reading goes once its history has.
      await this.db
        .deleteFrom('metric_latest')
        .where('updated_at', '<', now - Math.max(...writes[0].spans))
        .execute();
      for (const [tier, span] of writes[0].spans.entries())
        await this.db
          .deleteFrom('metric_buckets')
          .where('tier', '=', tier)
          .where('start', '<', now - span)
          .execute();
    }
  }
}
