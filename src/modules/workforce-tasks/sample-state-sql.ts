// The spec's sample_state filters of a team labeling task (#17, #35) as SQL conditions on its copies.
import { sql, type RawBuilder, type SqlBool } from 'kysely';
import type { TaskSampleStateFilter } from './stats-schemas.ts';
import { TaskSampleState } from './tables.ts';

const S = TaskSampleState;

/** The SQL condition picking the copies of a state filter (c is the copy; a drawn copy has a row in the running acceptance). */
export function copyStateSql(f: TaskSampleStateFilter, acceptanceId: string | null): RawBuilder<SqlBool> {
  const drawn = (extra: RawBuilder<unknown>) =>
    sql<SqlBool>`exists (select 1 from workforce_acceptance_samples a where a.acceptance_id = ${acceptanceId ?? ''} and a.sample_id = c.sample_id and a.worker_id = c.worker_id ${extra})`;
  switch (f) {
    case '__ALL__':
      return sql<SqlBool>`c.state <> ${S.none}`;
    case '__NONE__':
      return sql<SqlBool>`c.state = ${S.none}`;
    case '__UNCHECK__':
    case '__REVIEWED__':
      return sql<SqlBool>`c.state = ${S.reviewed}`;
    case '__ACCEPTED__':
      return sql<SqlBool>`c.state = ${S.accepted}`;
    case '__REJECTED__':
      return sql<SqlBool>`c.state in (${S.rejected}, ${S.refused})`;
    case '__UNREVIEWED__':
      return sql<SqlBool>`c.state = ${S.labeled}`;
    case '__WORKFORCE_SAMPLED__':
      return drawn(sql``);
    case '__WORKFORCE_SAMPLED_UNCHECK__':
      return drawn(sql`and a.accept is null`);
    case '__WORKFORCE_SAMPLED_CHECKED__':
      return drawn(sql`and a.accept is not null`);
    case '__WORKFORCE_SAMPLED_ACCEPTED__':
      return drawn(sql`and a.accept = 1`);
    case '__WORKFORCE_SAMPLED_REJECTED__':
      return drawn(sql`and a.accept = 0`);
    case '__AUTO_ANNOTATION__':
      return sql<SqlBool>`1 = 0`;
  }
}
