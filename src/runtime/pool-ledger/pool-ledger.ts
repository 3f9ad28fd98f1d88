// Pool holdings shared by the replicas that admit work to one cluster. Each replica keeps its own ledger (LocalPool:
// reserve stays synchronous) and writes what it holds to the pool_holdings table whenever that changes; every
// refresh it reads what the other live replicas hold into its ledger as their holdings, which count in admission but
// which it never releases. A replica is live while it renews its lease `pool-ledger:<replica>`: one that died stops
// counting when the lease expires (its workloads are adopted, and held again, by the replica that takes them over).
//
// Two admissions on two replicas within one refresh can still both pass; Kubernetes' scheduler and the pool's
// ResourceQuota decide then. Training jobs close that gap with `exclusive` (one scheduling pass at a time).
import { CoalescedPasses } from '#src/core/serial.ts';
import type { Clock } from '#src/core/time.ts';
import type { Db } from '#src/db/database.ts';
import type { ReplicaLeases } from '#src/runtime/leases.ts';
import type { ForeignHolding, Holding, LocalPool, NodeShare, PoolHolder } from '#src/runtime/local/local-pool.ts';
import type { Logger } from '#src/runtime/logger.ts';
import type { PoolHoldingRow } from './tables.ts';

/** A pool the ledger shares, under the name every replica knows it by ('' for the pool of work that names none). */
export interface SharedPool {
  name: string;
  pool: LocalPool;
}

export interface PoolLedgerOptions {
  db: Db;
  clock: Clock;
  replica: ReplicaLeases;
  log: Logger;
  /** The pools to share, asked at each refresh (dedicated pools come and go). */
  pools: () => readonly SharedPool[];
  /** How often other replicas' holdings are read, ms (default 1 s). */
  refreshMs?: number;
}

const LEASE_PREFIX = 'pool-ledger:';
const HOLDER_KINDS: readonly PoolHolder['kind'][] = ['training job', 'service', 'notebook', 'labeling task', 'processing task'];
const holderKind = (kind: string | null): PoolHolder['kind'] | undefined => HOLDER_KINDS.find((k) => k === kind);

export class PoolLedger {
  private readonly refreshMs: number;
  private readonly passes: CoalescedPasses;
  private readonly watched = new WeakSet<LocalPool>();
  private timer: NodeJS.Timeout | undefined;
  private writeSoon: NodeJS.Timeout | undefined;
  /** What this replica last wrote (its holdings, serialized): unchanged holdings are not written again. */
  private written: string | undefined;
  private lastBeat = 0;
  private stopped = false;

  constructor(private readonly o: PoolLedgerOptions) {
    this.refreshMs = o.refreshMs ?? 1000;
    this.passes = new CoalescedPasses(
      () => this.sync(),
      (err) => o.log.warn({ err }, 'sharing pool holdings with the other replicas failed'),
    );
  }

  /** Starts the heartbeat and the refresh loop; rows of replicas long gone are removed first. */
  start(): void {
    if (this.timer || this.stopped) return;
    this.timer = setInterval(() => this.passes.request(), this.refreshMs);
    this.timer.unref();
    this.passes.request();
  }

  /** Writes this replica's holdings if they changed, and reads the other replicas' now. */
  async refresh(): Promise<void> {
    this.passes.request();
    await this.passes.settled();
  }

  /**
   * Stops sharing. The rows stay and count on the others until the lease expires: the workloads they stand for keep
   * running on the cluster until a replica adopts them (and holds them again).
   */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    clearTimeout(this.writeSoon);
    await this.passes.settled();
    // What was given back just before (within the write's debounce) must not count on the others.
    await this.write(this.o.pools()).catch((err: unknown) => this.o.log.warn({ err }, 'writing the last pool holdings failed'));
  }

  private async sync(): Promise<void> {
    if (this.stopped) return;
    const pools = this.o.pools();
    for (const { pool } of pools) this.watch(pool);
    await this.beat();
    await this.write(pools);
    await this.read(pools);
  }

  /** A change of this replica's holdings is written within a few ms, not at the next refresh. */
  private watch(pool: LocalPool): void {
    if (this.watched.has(pool)) return;
    this.watched.add(pool);
    pool.onChange(() => {
      if (this.writeSoon || this.stopped) return;
      this.writeSoon = setTimeout(() => {
        this.writeSoon = undefined;
        this.passes.request();
      }, 20);
    });
  }

  private async beat(): Promise<void> {
    const { replica, clock } = this.o;
    const now = clock.now();
    // Renewed a few times per lease: a lapse (a long pause, a database outage) means others may have dropped our rows.
    if (now - this.lastBeat < replica.ttlMs / 4) return;
    if (now - this.lastBeat > replica.ttlMs) this.written = undefined;
    if (this.lastBeat === 0) await this.collect(now);
    await replica.leases.acquire(LEASE_PREFIX + replica.id, replica.id, replica.ttlMs);
    this.lastBeat = now;
  }

  /** Removes the rows of replicas whose lease expired (dead ones; a live one writes its rows again after a lapse). */
  private async collect(now: number): Promise<void> {
    const live = await this.liveReplicas(now);
    await this.o.db
      .deleteFrom('pool_holdings')
      .where('replica', '!=', this.o.replica.id)
      .$if(live.length > 0, (q) => q.where('replica', 'not in', live))
      .execute();
  }

  private async write(pools: readonly SharedPool[]): Promise<void> {
    const { db, replica, clock } = this.o;
    const now = clock.now();
    const rows: PoolHoldingRow[] = pools.flatMap(({ name, pool }) => pool.ownHoldings().map((h) => toRow(replica.id, name, h, now)));
    const state = JSON.stringify(rows.map((r) => ({ ...r, updated_at: 0 })));
    if (state === this.written) return;
    await db.transaction().execute(async (tx) => {
      await tx.deleteFrom('pool_holdings').where('replica', '=', replica.id).execute();
      // In chunks: a statement has a bounded number of parameters.
      for (let i = 0; i < rows.length; i += 200)
        await tx
          .insertInto('pool_holdings')
          .values(rows.slice(i, i + 200))
          .execute();
    });
    this.written = state;
  }

  private async read(pools: readonly SharedPool[]): Promise<void> {
    const now = this.o.clock.now();
    const live = await this.liveReplicas(now);
    const rows = live.length === 0 ? [] : await this.o.db.selectFrom('pool_holdings').selectAll().where('replica', 'in', live).execute();
    const byPool = new Map<string, ForeignHolding[]>();
    for (const r of rows) {
      const list = byPool.get(r.pool) ?? [];
      list.push(fromRow(r));
      byPool.set(r.pool, list);
    }
    for (const { name, pool } of pools) pool.setForeign(byPool.get(name) ?? []);
  }

  private async liveReplicas(now: number): Promise<string[]> {
    const leases = await this.o.db
      .selectFrom('leases')
      .select('owner')
      .where('name', 'like', `${LEASE_PREFIX}%`)
      .where('expires_at', '>', now)
      .where('owner', '!=', this.o.replica.id)
      .execute();
    return leases.map((l) => l.owner);
  }
}

function toRow(replica: string, pool: string, h: Holding, now: number): PoolHoldingRow {
  return {
    replica,
    pool,
    key: h.key,
    cpu: h.amount.cpu,
    memory_mb: h.amount.memoryMb,
    placement: JSON.stringify(h.placement),
    holder_kind: h.holder?.kind ?? null,
    holder_id: h.holder?.id ?? null,
    holder_name: h.holder?.name ?? null,
    project_id: h.holder?.projectId ?? null,
    updated_at: now,
  };
}

function fromRow(r: PoolHoldingRow): ForeignHolding {
  const kind = holderKind(r.holder_kind);
  const holder: PoolHolder | undefined = kind ? { kind, id: r.holder_id ?? '', name: r.holder_name ?? '', projectId: r.project_id ?? '' } : undefined;
  return {
    key: r.key,
    replica: r.replica,
    amount: { cpu: Number(r.cpu), memoryMb: Number(r.memory_mb) },
    ...(holder ? { holder } : {}),
    placement: JSON.parse(r.placement) as NodeShare[],
  };
}
