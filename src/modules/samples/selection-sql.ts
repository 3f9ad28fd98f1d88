// A dataset's live samples matching search conditions, as a SQL condition over `samples s`, for
// families that copy a selection set-based (INSERT ... SELECT) instead of streaming it.
import { sql, type RawBuilder } from 'kysely';
import type { Clock } from '#src/core/time.ts';
import { allOf, combine, FilterBuilder, type Cond } from './sample-filter.ts';
import { checkSearchCondition, parseSearchConditions, type SearchCondition } from './search-conditions.ts';
import type { SampleStore } from './store.ts';

export interface SampleSelectionSql {
  /** Parses a JSON list of SearchCondition objects (a bad list is a 400 naming `field`). */
  parse(raw: string, field: string): SearchCondition[];
  /** The condition on `samples s`: the dataset's samples matching any of the conditions (none: all). */
  where(datasetId: string, conditions: readonly SearchCondition[], field: string): Promise<RawBuilder<unknown>>;
}

export function selectionSql(store: SampleStore, clock: Clock): SampleSelectionSql {
  return {
    parse: (raw, field) => parseSearchConditions(raw, field),
    async where(datasetId, conditions, field) {
      const conds: Cond[] = [sql`s.dataset_id = ${datasetId}`];
      if (conditions.length > 0) {
        const refs = await store.labels(datasetId);
        const filters = new FilterBuilder(store.database.dialect, new Map(refs.map((l) => [l.name, l])), clock.now());
        conds.push(
          combine(
            'OR',
            conditions.map((c, i) => filters.condition(checkSearchCondition(c, `${field}[${i}]`), `${field}[${i}]`)),
          ),
        );
      }
      return allOf(conds);
    },
  };
}
