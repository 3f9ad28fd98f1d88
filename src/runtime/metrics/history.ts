// Bounded history of sampled values: fixed-size rings of buckets at three resolutions. A sample goes
// into every tier; each tier keeps its own span, so 7 days are kept without keeping every sample.
//
// Memory bound, per series: (raw slots + 1441 + 1009) slots × (1 time + 1 count + 3 × fields) doubles.
// With the default 10 s interval (361 raw slots) and 2 fields (a pool's CPU and memory) that is
// 2,811 × 8 × 8 B ≈ 180 KB; the host series (5 fields) ≈ 360 KB. Nothing grows with time.

/** What a bucket holds of one field: how many samples, their sum, least and greatest value. */
export interface FieldStats {
  count: number;
  sum: number;
  min: number;
  max: number;
}

/** A bucket as written to the database: its start, sample count and, per field, sum, min and max. */
export interface StoredBucket {
  start: number;
  count: number;
  stats: number[];
}

/** A fixed ring of buckets `widthMs` wide; the oldest bucket is overwritten when a new one starts. */
export class BucketRing {
  private readonly starts: Float64Array;
  private readonly counts: Float64Array;
  /** Per slot and field: sum, min, max. */
  private readonly stats: Float64Array;
  private head = -1;
  private size = 0;

  constructor(
    readonly slots: number,
    readonly widthMs: number,
    readonly fields: number,
  ) {
    this.starts = new Float64Array(slots);
    this.counts = new Float64Array(slots);
    this.stats = new Float64Array(slots * fields * 3);
  }

  /** How many slots hold a bucket (never more than `slots`). */
  get length(): number {
    return this.size;
  }

  add(time: number, values: readonly number[]): void {
    const start = Math.floor(time / this.widthMs) * this.widthMs;
    if (this.size === 0 || start > this.starts[this.head]!) {
      this.head = (this.head + 1) % this.slots;
      this.size = Math.min(this.slots, this.size + 1);
      this.starts[this.head] = start;
      this.counts[this.head] = 0;
    } else if (start < this.starts[this.head]!) return; // a clock that went back: the sample is dropped
    const slot = this.head;
    const first = this.counts[slot] === 0;
    this.counts[slot]! += 1;
    for (let f = 0; f < this.fields; f++) {
      const v = values[f] ?? 0;
      const i = (slot * this.fields + f) * 3;
      this.stats[i] = first ? v : this.stats[i]! + v;
      this.stats[i + 1] = first ? v : Math.min(this.stats[i + 1]!, v);
      this.stats[i + 2] = first ? v : Math.max(this.stats[i + 2]!, v);
    }
  }

  /** Start of the newest bucket; -Infinity when empty. */
  newest(): number {
    return this.size === 0 ? -Infinity : this.starts[this.head]!;
  }

  /** The buckets starting at `from` or later, oldest first, as stored (shared-history.ts). */
  since(from: number): StoredBucket[] {
    const out: StoredBucket[] = [];
    for (let k = this.size - 1; k >= 0; k--) {
      const slot = (this.head - k + this.slots) % this.slots;
      if (this.starts[slot]! < from) continue;
      const i = slot * this.fields * 3;
      out.push({ start: this.starts[slot]!, count: this.counts[slot]!, stats: Array.from(this.stats.subarray(i, i + this.fields * 3)) });
    }
    return out;
  }

  /**
   * Puts a stored bucket back: it replaces the newest bucket when it starts at the same time, comes after it when
   * newer, and is dropped when older (a history is restored oldest first).
   */
  put(b: StoredBucket): void {
    if (b.stats.length !== this.fields * 3 || b.count <= 0) return;
    if (this.size > 0 && b.start < this.starts[this.head]!) return;
    if (this.size === 0 || b.start > this.starts[this.head]!) {
      this.head = (this.head + 1) % this.slots;
      this.size = Math.min(this.slots, this.size + 1);
    }
    this.starts[this.head] = b.start;
    this.counts[this.head] = b.count;
    this.stats.set(b.stats, this.head * this.fields * 3);
  }

  /** Start of the oldest bucket kept; Infinity when empty. */
  oldest(): number {
    return this.size === 0 ? Infinity : this.starts[(this.head - this.size + 1 + this.slots) % this.slots]!;
  }

  /** Calls `visit` for each bucket whose start is in [from, to), oldest first. */
  each(from: number, to: number, visit: (start: number, count: number, stat: (field: number) => FieldStats) => void): void {
    for (let k = 0; k < this.size; k++) {
      const slot = (this.head - this.size + 1 + k + this.slots) % this.slots;
      const start = this.starts[slot]!;
      if (start < from) continue;
      if (start >= to) break;
      visit(start, this.counts[slot]!, (f) => {
        const i = (slot * this.fields + f) * 3;
        return { count: this.counts[slot]!, sum: this.stats[i]!, min: this.stats[i + 1]!, max: this.stats[i + 2]! };
      });
    }
  }

  /** The last bucket's start and values (its mean), or undefined when empty. */
  latest(): { time: number; values: number[] } | undefined {
    if (this.size === 0) return undefined;
    const slot = this.head;
    const n = this.counts[slot]!;
    return { time: this.starts[slot]!, values: Array.from({ length: this.fields }, (_, f) => this.stats[(slot * this.fields + f) * 3]! / n) };
  }
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const MINUTE = 60_000;

/** The longest span kept: 7 days. */
export const HISTORY_SPAN_MS = 7 * DAY;

/** One aggregated point of a query: the bucket's start and each field's statistics. */
export interface HistoryPoint {
  time: number;
  fields: FieldStats[];
}

/**
 * A series of `fields` numbers sampled every `intervalMs`: raw samples for the last hour,
 * 1-minute buckets for a day, 10-minute buckets for 7 days.
 */
export class History {
  readonly tiers: BucketRing[];

  constructor(
    readonly fields: number,
    intervalMs: number,
  ) {
    this.tiers = [
      new BucketRing(Math.ceil(HOUR / intervalMs) + 1, intervalMs, fields),
      new BucketRing(DAY / MINUTE + 1, MINUTE, fields),
      new BucketRing(HISTORY_SPAN_MS / (10 * MINUTE) + 1, 10 * MINUTE, fields),
    ];
  }

  add(time: number, values: readonly number[]): void {
    for (const t of this.tiers) t.add(time, values);
  }

  latest(): { time: number; values: number[] } | undefined {
    return this.tiers[0]!.latest();
  }

  /**
   * The statistics of [from, to) in steps of `stepMs` (aligned on multiples of it), each step from the
   * finest tier that still holds its time; steps without a sample are left out.
   */
  query(from: number, to: number, stepMs: number): HistoryPoint[] {
    const steps = new Map<number, FieldStats[]>();
    let until = to;
    this.tiers.forEach((tier, i) => {
      if (until <= from) return;
      // A finer tier starts at the first bucket boundary of the next coarser tier, so that each
      // sample is counted once: the coarser tier covers whole buckets before it.
      // When the coarser tier holds nothing older than this one (a young history), this tier covers it all.
      const coarser = this.tiers[i + 1];
      const oldest = tier.oldest();
      const complete = !coarser || coarser.oldest() >= Math.floor(oldest / coarser.widthMs) * coarser.widthMs;
      const lower = complete ? from : Math.max(from, Math.ceil(oldest / coarser.widthMs) * coarser.widthMs);
      if (lower >= until) {
        if (complete) until = from;
        return;
      }
      tier.each(lower, until, (start, _count, stat) => {
        const step = Math.floor(start / stepMs) * stepMs;
        let acc = steps.get(step);
        if (!acc) {
          acc = Array.from({ length: this.fields }, () => ({ count: 0, sum: 0, min: Infinity, max: -Infinity }));
          steps.set(step, acc);
        }
        for (let f = 0; f < this.fields; f++) {
          const s = stat(f);
          const a = acc[f]!;
          a.count += s.count;
          a.sum += s.sum;
          a.min = Math.min(a.min, s.min);
          a.max = Math.max(a.max, s.max);
        }
      });
      until = complete ? from : lower;
    });
    return [...steps.entries()].sort((a, b) => a[0] - b[0]).map(([time, fields]) => ({ time, fields }));
  }
}
