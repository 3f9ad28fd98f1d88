import { sql } from 'kysely';
import type { Db } from '#src/db/database.ts';
import { pageLiterals } from '#src/db/paging.ts';
import type { AuthorizationRow } from './tables.ts';

export type SortField = 'user_name' | 'create_time';

/** SQL over the authorizations and agencies tables. */
export class AuthorizationStore {
  constructor(private readonly db: Db) {}

  /** Inserts or replaces the rows, all or none. */
  async upsertAll(rows: AuthorizationRow[]): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      for (const row of rows) {
        await trx
          .insertInto('authorizations')
          .values(row)
          .onConflict((oc) =>
            oc.columns(['project_id', 'user_id']).doUpdateSet({
              user_name: row.user_name,
              type: row.type,
              content: row.content,
              secret_enc: row.secret_enc,
              create_time: row.create_time,
            }),
          )
          .execute();
      }
    });
  }

  // The list is on every console page load (and in bench/): its two queries are SQL templates,
  // which Kysely compiles about three times faster than the query builder.
  async count(projectId: string): Promise<number> {
    const r = await sql<{ n: number }>`select count(*) as n from authorizations where project_id = ${projectId}`.execute(this.db);
    return Number(r.rows[0]?.n ?? 0);
  }

  async page(projectId: string, sortBy: SortField, order: 'asc' | 'desc', limit: number, offset: number): Promise<AuthorizationRow[]> {
    const page = pageLiterals(limit, offset);
    const direction = order === 'asc' ? sql`asc` : sql`desc`;
    const r = await sql<AuthorizationRow>`select * from authorizations where project_id = ${projectId}
      order by ${sql.ref(sortBy)} ${direction}, user_id ${direction} limit ${page.limit} offset ${page.offset}`.execute(this.db);
    return r.rows;
  }

  /** Deletes one user's authorization, or every one of the project when userId is undefined. */
  async delete(projectId: string, userId: string | undefined): Promise<number> {
    let q = this.db.deleteFrom('authorizations').where('project_id', '=', projectId);
    if (userId !== undefined) q = q.where('user_id', '=', userId);
    const r = await q.executeTakeFirst();
    return Number(r.numDeletedRows);
  }

  async agencyExists(projectId: string, name: string): Promise<boolean> {
    const r = await this.db.selectFrom('agencies').select('name').where('project_id', '=', projectId).where('name', '=', name).executeTakeFirst();
    return r !== undefined;
  }

  async insertAgencyIfAbsent(projectId: string, name: string, createdBy: string, now: number): Promise<void> {
    await this.db
      .insertInto('agencies')
      .values({ project_id: projectId, name, created_by: createdBy, create_time: now })
      .onConflict((oc) => oc.columns(['project_id', 'name']).doNothing())
      .execute();
  }
}
