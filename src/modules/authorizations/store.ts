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

  async count(projectId: string): Promise<number> {
    const r = await this.db
      .selectFrom('authorizations')
      .select((e) => e.fn.countAll<number>().as('n'))
      .where('project_id', '=', projectId)
      .executeTakeFirstOrThrow();
    return Number(r.n);
  }

  page(projectId: string, sortBy: SortField, order: 'asc' | 'desc', limit: number, offset: number) {
    const page = pageLiterals(limit, offset);
    return this.db
      .selectFrom('authorizations')
      .selectAll()
      .where('project_id', '=', projectId)
      .orderBy(sortBy, order)
      .orderBy('user_id', 'asc')
      .limit(page.limit)
      .offset(page.offset)
      .execute();
  }

  /** Deletes one user's authorization, or every one of the project when userId is undefined. */
  async delete(projectId: string, userId: string | undefined): Promise<number> {
    let q = this.db.deleteFrom('authorizations').where('project_id', '=', projectId);
    if (userId !== undefined) q = q.where('user_id', '=', userId);
    const r = await q.executeTakeFirst();
    return Number(r.numDeletedRows);
  }

  async agencyExists(projectId: string, name: string): Promise<boolean> {
    const r = await this.db
      .selectFrom('agencies')
      .select('name')
      .where('project_id', '=', projectId)
      .where('name', '=', name)
      .executeTakeFirst();
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
