import { randomBytes } from 'node:crypto';
import type { Static } from 'typebox';
import type { Clock } from '#src/core/time.ts';
import type { PoolEvent } from '#src/runtime/local/pool-registry.ts';
import { poolErrors } from './errors.ts';
import type { PoolEventStore } from './event-store.ts';
import type { EventList, ListEventsQuery } from './schemas.ts';
import type { PoolStore } from './store.ts';
import { eventView } from './views.ts';

/** How long events are kept, and how many of one pool at most. */
export const EVENT_RETENTION_MS = 7 * 24 * 3600 * 1000;
export const EVENTS_PER_POOL = 1000;
const DEFAULT_LIMIT = 500;

/** A UUID-shaped id that sorts after every id made before it (time, then a counter), so events of one millisecond keep their order. */
let lastMs = 0;
let sequence = 0;
function eventId(at: number): string {
  sequence = at === lastMs ? sequence + 1 : 0;
  lastMs = at;
  const hex = at.toString(16).padStart(12, '0').slice(-12) + (sequence % 0x10000).toString(16).padStart(4, '0') + randomBytes(8).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

export interface PoolEventsDeps {
  events: PoolEventStore;
  pools: PoolStore;
  clock: Clock;
  log: (error: unknown) => void;
}

/**
 * The events of the project's pools (#142): what the pools family records of its pools and what
 * other families report through `context.pools.event`. Writes run one after the other, so a repeat
 * of the last event of a pool (same type, reason and message) counts up instead of adding a row.
 */
export class PoolEvents {
  private queue: Promise<void> = Promise.resolve();

  constructor(private readonly deps: PoolEventsDeps) {}

  /** The registry's sink: takes the event now, stores it in turn. */
  readonly record = (e: PoolEvent): void => {
    const at = this.deps.clock.now();
    this.queue = this.queue.then(() => this.write(e, at)).catch((error: unknown) => this.deps.log(error));
  };

  /** Resolves once every event recorded so far is stored. */
  flushed(): Promise<void> {
    return this.queue;
  }

  private async write(e: PoolEvent, at: number): Promise<void> {
    const last = await this.deps.events.latest(e.pool);
    if (last && last.type === e.type && last.reason === e.reason && last.message === e.message) {
      await this.deps.events.repeat(last.id, at, last.count + 1);
      return;
    }
    await this.deps.events.insert({
      id: eventId(at),
      pool_id: e.pool,
      type: e.type,
      reason: e.reason,
      message: e.message,
      first_at: at,
      last_at: at,
      count: 1,
    });
  }

  async list(projectId: string, query: Static<typeof ListEventsQuery>): Promise<Static<typeof EventList>> {
    await this.flushed();
    const pool = await this.deps.pools.get(projectId, query.name);
    if (!pool) throw poolErrors.notFound(query.name);
    if (query.since !== undefined && query.until !== undefined && query.since > query.until) {
      throw poolErrors.badRequest(`since (${query.since}) is after until (${query.until})`);
    }
    const filter = {
      ...(query.since !== undefined ? { since: query.since * 1000 } : {}),
      ...(query.until !== undefined ? { until: query.until * 1000 + 999 } : {}),
      ...(query.type !== undefined ? { type: query.type } : {}),
    };
    const start = query.continue !== undefined ? await this.deps.events.get(pool.id, query.continue) : undefined;
    if (query.continue !== undefined && !start) throw poolErrors.badRequest(`continue: ${query.continue} is not an event of pool ${pool.id}`);
    const limit = query.limit || DEFAULT_LIMIT;
    const rows = await this.deps.events.page(pool.id, filter, start, limit);
    const page = rows.slice(0, limit);
    const next = rows[limit];
    const remaining = next ? (await this.deps.events.count(pool.id, filter, start)) - limit : 0;
    return {
      apiVersion: 'v1',
      kind: 'EventList',
      metadata: next ? { continue: next.id, remainingItemCount: remaining } : {},
      items: page.map(eventView),
    };
  }

  prune(): Promise<void> {
    return this.deps.events.prune(this.deps.clock.now() - EVENT_RETENTION_MS, EVENTS_PER_POOL);
  }
}
