// Pages far into a dataset's whole live list without skipping through it. An OFFSET walks the index
// one entry at a time (500,000 entries take tens of ms, and SQLite holds the event loop meanwhile),
// so this keeps, per dataset, the key at every STEP-th place of the list (ascending), found in the
// background by short index walks. A page then seeks to the nearest anchor and skips less than STEP
// rows. The anchors hold for one state of the dataset's samples: their order never changes (rows
// are never moved in it), only inserts and deletes shift the places, and every such change moves the
// counters' total or their running count of deletions in the same transaction. So the pair
// (total, deleted) names the state; an anchor of another pair is never used, and a page read with
// anchors is checked against the pair read after it. The offset/limit wire stays as it is.
import type { ListKey, ListRequest, ListStore } from './list-store.ts';
import type { SampleStore } from './store.ts';
import type { SampleRow } from './tables.ts';

/** Rows between two anchors: the most a page read from an anchor skips. */
export const ANCHOR_STEP = 4096;
/** Datasets whose anchors are kept (the ones listed last). */
const MAX_DATASETS = 32;
/** A dataset whose samples keep changing gets a new walk at most this often. */
const REBUILD_AFTER_MS = 2000;

interface Anchors {
  stamp: string;
  /** keys[i] is the key at ascending place (i + 1) x step. */
  keys: ListKey[];
  started: number;
  done?: Promise<void>;
}

interface Plan {
  from?: ListKey;
  order: 'asc' | 'desc';
  skip: number;
}

export class ListAnchors {
  private readonly sets = new Map<string, Anchors>();

  constructor(
    private readonly store: SampleStore,
    private readonly lists: ListStore,
    private readonly step = ANCHOR_STEP,
    private readonly now: () => number = Date.now,
  ) {}

  private async stamp(datasetId: string): Promise<{ key: string; total: number }> {
    const c = await this.store.counters(datasetId);
    return { key: `${c.total}:${c.deleted}`, total: c.total };
  }

  /** Starts the walk that places a dataset's anchors, unless they are there (or on their way) for its state. */
  warm(datasetId: string): void {
    void this.stamp(datasetId)
      .then((s) => this.start(datasetId, s))
      .catch(() => undefined);
  }

  /** The walk of a dataset's anchors in progress or done (tests wait for it); undefined when none is due. */
  async ready(datasetId: string): Promise<void> {
    await this.start(datasetId, await this.stamp(datasetId))?.done;
  }

  /** How many anchors of the dataset's last walk are placed. */
  placed(datasetId: string): number {
    return this.sets.get(datasetId)?.keys.length ?? 0;
  }

  private start(datasetId: string, s: { key: string; total: number }): Anchors | undefined {
    if (s.total < 2 * this.step) return undefined;
    const have = this.sets.get(datasetId);
    if (have && (have.stamp === s.key || this.now() - have.started < REBUILD_AFTER_MS)) return have;
    const set: Anchors = { stamp: s.key, keys: [], started: this.now() };
    this.sets.delete(datasetId);
    this.sets.set(datasetId, set);
    for (const old of this.sets.keys()) {
      if (this.sets.size <= MAX_DATASETS) break;
      this.sets.delete(old);
    }
    set.done = this.walk(datasetId, set, s.total).catch(() => {
      if (this.sets.get(datasetId) === set) this.sets.delete(datasetId);
    });
    return set;
  }

  /** One short index walk per anchor, yielding between them; stops when the state changes under it. */
  private async walk(datasetId: string, set: Anchors, total: number): Promise<void> {
    while ((set.keys.length + 1) * this.step < total) {
      await new Promise((resolve) => setImmediate(resolve));
      if (this.sets.get(datasetId) !== set) return;
      const last = set.keys.at(-1);
      const key = await this.lists.keyAt(datasetId, last, last === undefined ? this.step : this.step - 1);
      // The key is of the state it was read in only if that state is still the anchors' one.
      if ((await this.stamp(datasetId)).key !== set.stamp) {
        if (this.sets.get(datasetId) === set) this.sets.delete(datasetId);
        return;
      }
      if (!key) return;
      set.keys.push(key);
    }
  }

  /**
   * A page of a dataset's whole live list (no filter, no version) with its total, read from the
   * nearest of: the list's start, its end, or an anchor of the dataset's present state.
   */
  async page(req: ListRequest): Promise<[number, SampleRow[]]> {
    const datasetId = req.scope.datasetId;
    for (let attempt = 0; ; attempt++) {
      const s = await this.stamp(datasetId);
      const set = this.start(datasetId, s);
      const total = s.total;
      if (req.offset >= total) return [total, []];
      const limit = Math.min(req.limit, total - req.offset);
      // The page's first place in ascending order.
      const first = req.order === 'asc' ? req.offset : total - req.offset - limit;
      const keys = attempt < 2 && set?.stamp === s.key ? set.keys : [];
      const plan = this.plan(keys, first, limit, total);
      const rows = await this.lists.page({ ...req, order: plan.order, offset: plan.skip, limit, ...(plan.from ? { from: plan.from } : {}) });
      if (plan.order !== req.order) rows.reverse();
      // A change between the two reads of the state may have moved the rows away from the anchor's places.
      if (plan.from === undefined || (await this.stamp(datasetId)).key === s.key) return [total, rows];
    }
  }

  /** The cheapest way to the rows at ascending places first .. first + limit - 1. */
  private plan(keys: readonly ListKey[], first: number, limit: number, total: number): Plan {
    const last = first + limit - 1;
    let best: Plan = first <= total - 1 - last ? { order: 'asc', skip: first } : { order: 'desc', skip: total - 1 - last };
    // Anchor i sits at place (i + 1) x step: the last one at or before `first`, the first one at or after `last`.
    const below = Math.floor(first / this.step) - 1;
    if (below >= 0 && below < keys.length && first - (below + 1) * this.step < best.skip) {
      best = { from: keys[below]!, order: 'asc', skip: first - (below + 1) * this.step };
    }
    const above = Math.ceil(last / this.step) - 1;
    if (above >= 0 && above < keys.length && (above + 1) * this.step - last < best.skip) {
      best = { from: keys[above]!, order: 'desc', skip: (above + 1) * this.step - last };
    }
    return best;
  }
}
