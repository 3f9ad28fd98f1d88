import type { LeaseStore } from './leases.ts';
import { silentLogger, type Logger } from './logger.ts';

/**
 * One resource family's control loop step: read the desired state from the database and the actual
 * state from the executor or task, and move one toward the other. Must be safe to run any time.
 */
export interface Reconciler {
  name: string;
  reconcile(): Promise<void>;
}

/** Among replicas sharing a database, a reconciler runs only on the replica holding its lease. */
export interface ReconcilerLeasing {
  leases: LeaseStore;
  /** This replica's id, unique among live replicas. */
  owner: string;
  /** How long a lease outlives its owner's last renewal, ms; renewed every pass and every third of it during a pass. */
  ttlMs: number;
}

/** The lease name of a reconciler. */
export const reconcilerLease = (name: string) => `reconciler:${name}`;

/**
 * Runs every reconciler at start-up and then periodically; one reconciler never overlaps itself.
 * With leasing, a pass of a reconciler first takes (or renews) its lease and is skipped when another
 * replica holds it; a replica that dies without releasing is replaced once its leases expire.
 */
export class ReconcilerLoop {
  private readonly reconcilers: Reconciler[] = [];
  private readonly inFlight = new Map<string, Promise<void>>();
  private readonly held = new Set<string>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly intervalMs: number,
    private readonly log: Logger = silentLogger,
    private readonly leasing?: ReconcilerLeasing,
  ) {}

  add(r: Reconciler): void {
    this.reconcilers.push(r);
  }

  /** One pass of every reconciler; a reconciler still busy from the last pass is skipped. */
  async runOnce(): Promise<void> {
    await Promise.all(
      this.reconcilers.map((r) => {
        const running = this.inFlight.get(r.name);
        if (running) return running;
        const run = this.pass(r)
          .catch((err: unknown) => this.log.error({ err, reconciler: r.name }, 'reconcile failed'))
          .finally(() => this.inFlight.delete(r.name));
        this.inFlight.set(r.name, run);
        return run;
      }),
    );
  }

  /** Whether this replica holds the lease of `name` (always true without leasing). */
  owns(name: string): boolean {
    return !this.leasing || this.held.has(name);
  }

  private async pass(r: Reconciler): Promise<void> {
    const leasing = this.leasing;
    if (!leasing) return r.reconcile();
    if (!(await this.renew(leasing, r.name))) return;
    // A pass may outlast the TTL (a slow adoption): keep the lease while it runs.
    const keeper = setInterval(() => void this.renew(leasing, r.name).catch(() => undefined), Math.max(10, Math.floor(leasing.ttlMs / 3)));
    try {
      await r.reconcile();
    } finally {
      clearInterval(keeper);
    }
  }

  private async renew(leasing: ReconcilerLeasing, name: string): Promise<boolean> {
    const ok = await leasing.leases.acquire(reconcilerLease(name), leasing.owner, leasing.ttlMs);
    if (ok && !this.held.has(name)) this.log.info({ reconciler: name, replica: leasing.owner }, 'reconciler lease taken');
    if (ok) this.held.add(name);
    else this.held.delete(name);
    return ok;
  }

  start(): void {
    if (this.timer) return;
    void this.runOnce();
    this.timer = setInterval(() => void this.runOnce(), this.intervalMs);
  }

  /** Stops the loop, waits for running passes and hands the leases back so another replica takes over at once. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await Promise.all(this.inFlight.values());
    const leasing = this.leasing;
    if (!leasing) return;
    await Promise.all([...this.held].map((name) => leasing.leases.release(reconcilerLease(name), leasing.owner).catch(() => undefined)));
    this.held.clear();
  }
}
