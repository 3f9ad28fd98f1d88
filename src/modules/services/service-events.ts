import type { Clock } from '#src/core/time.ts';
import type { ServiceStore } from './store.ts';
import type { ServiceEventRow } from './tables.ts';

let eventSeq = 0;
/** Event ids sort in the order the events happened, even within one millisecond. */
const eventId = (now: number) => `${String(now).padStart(15, '0')}-${String(eventSeq++ % 1e9).padStart(9, '0')}`;

/** A service's event log: events are recorded at once and written in batches. */
export class ServiceEvents {
  private pending: ServiceEventRow[] = [];

  constructor(
    private readonly store: ServiceStore,
    private readonly clock: Clock,
  ) {}

  record(serviceId: string, type: 'normal' | 'abnormal', info: string): void {
    const now = this.clock.now();
    this.pending.push({ id: eventId(now), service_id: serviceId, event_type: type, event_info: info, occur_time: now });
    if (this.pending.length === 1) queueMicrotask(() => void this.flush());
  }

  async flush(): Promise<void> {
    const rows = this.pending;
    this.pending = [];
    // A service deleted meanwhile takes its events with it.
    for (const r of rows) await this.store.addEvents([r]).catch(() => undefined);
  }
}
