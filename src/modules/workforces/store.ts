import { sql, type ExpressionBuilder } from 'kysely';
import type { Db } from '#src/db/database.ts';
import { pageLiterals } from '#src/db/paging.ts';
import type { Tables } from '#src/db/tables.ts';
import type { WorkerInvitationRow, WorkerRoleValue, WorkerRow, WorkforceRow } from './tables.ts';

export interface WorkforceFilter {
  projectId: string;
  search?: string;
  /** Only these teams (the teams of a labeling task); never empty. */
  ids?: readonly string[];
}

export interface WorkerFilter {
  projectId: string;
  workforceId?: string;
  role?: WorkerRoleValue;
}

export interface Page<S extends string> {
  sortBy: S;
  order: 'asc' | 'desc';
  limit: number;
  offset: number;
}

/** A member row with its identity's latest sign-in, from which its status is told. */
export type WorkerWithSignIn = WorkerRow & { last_sign_in_at: number | null };

/** `%`, `_` and the escape character itself taken literally in a LIKE pattern. */
function likeContains(text: string): string {
  return `%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** SQL over the teams, members and invitations tables. */
export class WorkforceStore {
  constructor(private readonly db: Db) {}

  // ---- teams ----

  async insertWorkforce(row: WorkforceRow): Promise<void> {
    await this.db.insertInto('workforces').values(row).execute();
  }

  getWorkforce(projectId: string, id: string): Promise<WorkforceRow | undefined> {
    return this.db.selectFrom('workforces').selectAll().where('project_id', '=', projectId).where('id', '=', id).executeTakeFirst();
  }

  workforceByName(projectId: string, name: string): Promise<WorkforceRow | undefined> {
    return this.db.selectFrom('workforces').selectAll().where('project_id', '=', projectId).where('name', '=', name).executeTakeFirst();
  }

  async updateWorkforce(id: string, patch: Partial<Pick<WorkforceRow, 'name' | 'description' | 'updated_at'>>): Promise<void> {
    await this.db.updateTable('workforces').set(patch).where('id', '=', id).execute();
  }

  private workforceWhere(f: WorkforceFilter) {
    return (eb: ExpressionBuilder<Tables, 'workforces'>) => {
      const conds = [eb('workforces.project_id', '=', f.projectId)];
      if (f.ids !== undefined) conds.push(eb('workforces.id', 'in', f.ids));
      if (f.search) {
        const pattern = likeContains(f.search);
        conds.push(
          eb.or([
            eb(sql`lower(workforces.name)`, 'like', sql`${pattern} escape '\\'`),
            eb(sql`lower(workforces.description)`, 'like', sql`${pattern} escape '\\'`),
          ]),
        );
      }
      return eb.and(conds);
    };
  }

  async countWorkforces(f: WorkforceFilter): Promise<number> {
    const r = await this.db
      .selectFrom('workforces')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where(this.workforceWhere(f))
      .executeTakeFirst();
    return Number(r?.n ?? 0);
  }

  /** A page of teams, each with its count of members. */
  pageWorkforces(f: WorkforceFilter, page: Page<'created_at' | 'name'>): Promise<Array<WorkforceRow & { worker_count: number | string | null }>> {
    const lit = pageLiterals(page.limit, page.offset);
    return this.db
      .selectFrom('workforces')
      .selectAll()
      .select((eb) => this.memberCount(eb).as('worker_count'))
      .where(this.workforceWhere(f))
      .orderBy(page.sortBy, page.order)
      .orderBy('id', page.order)
      .limit(lit.limit)
      .offset(lit.offset)
      .execute();
  }

  private memberCount(eb: ExpressionBuilder<Tables, 'workforces'>) {
    return eb
      .selectFrom('workforce_workers as w')
      .select((e) => e.fn.countAll<number>().as('n'))
      .whereRef('w.workforce_id', '=', 'workforces.id')
      .where('w.deleted_at', 'is', null);
  }

  async workerCount(workforceId: string): Promise<number> {
    const r = await this.db
      .selectFrom('workforce_workers')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('workforce_id', '=', workforceId)
      .where('deleted_at', 'is', null)
      .executeTakeFirst();
    return Number(r?.n ?? 0);
  }

  /** Deletes the team with all its member rows and their invitations; returns the identities of the members it had. */
  async deleteWorkforce(id: string): Promise<string[]> {
    return this.db.transaction().execute(async (trx) => {
      const rows = await trx.selectFrom('workforce_workers').select(['id', 'user_id']).where('workforce_id', '=', id).where('deleted_at', 'is', null).execute();
      await trx
        .deleteFrom('worker_invitations')
        .where('worker_id', 'in', trx.selectFrom('workforce_workers').select('id').where('workforce_id', '=', id))
        .execute();
      await trx.deleteFrom('workforce_workers').where('workforce_id', '=', id).execute();
      await trx.deleteFrom('workforces').where('id', '=', id).execute();
      return [...new Set(rows.map((r) => r.user_id))];
    });
  }

  // ---- members ----

  private workersWithSignIn() {
    return this.db
      .selectFrom('workforce_workers')
      .leftJoin('users', 'users.id', 'workforce_workers.user_id')
      .selectAll('workforce_workers')
      .select('users.last_sign_in_at');
  }

  private workerWhere(f: WorkerFilter) {
    return (eb: ExpressionBuilder<Tables & { users: Tables['users'] }, 'workforce_workers' | 'users'>) => {
      const conds = [eb('workforce_workers.project_id', '=', f.projectId), eb('workforce_workers.deleted_at', 'is', null)];
      if (f.workforceId !== undefined) conds.push(eb('workforce_workers.workforce_id', '=', f.workforceId));
      if (f.role !== undefined) conds.push(eb('workforce_workers.role', '=', f.role));
      return eb.and(conds);
    };
  }

  async countWorkers(f: WorkerFilter): Promise<number> {
    const r = await this.db
      .selectFrom('workforce_workers')
      .leftJoin('users', 'users.id', 'workforce_workers.user_id')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where(this.workerWhere(f))
      .executeTakeFirst();
    return Number(r?.n ?? 0);
  }

  async pageWorkers(f: WorkerFilter, page: Page<'created_at' | 'email'>): Promise<WorkerWithSignIn[]> {
    const lit = pageLiterals(page.limit, page.offset);
    const rows = await this.workersWithSignIn()
      .where(this.workerWhere(f))
      .orderBy(`workforce_workers.${page.sortBy}`, page.order)
      .orderBy('workforce_workers.id', page.order)
      .limit(lit.limit)
      .offset(lit.offset)
      .execute();
    return rows.map(withSignIn);
  }

  /** Members of the project, removed ones too when `withDeleted`; by id, in no set order. */
  async workersById(projectId: string, ids: readonly string[], withDeleted = false): Promise<WorkerWithSignIn[]> {
    if (ids.length === 0) return [];
    const rows = await this.workersWithSignIn()
      .where('workforce_workers.project_id', '=', projectId)
      .where('workforce_workers.id', 'in', ids)
      .$if(!withDeleted, (q) => q.where('workforce_workers.deleted_at', 'is', null))
      .execute();
    return rows.map(withSignIn);
  }

  /** Every current member of the team, oldest first. */
  async workersOf(workforceId: string, role?: WorkerRoleValue): Promise<WorkerWithSignIn[]> {
    const rows = await this.workersWithSignIn()
      .where('workforce_workers.workforce_id', '=', workforceId)
      .where('workforce_workers.deleted_at', 'is', null)
      .$if(role !== undefined, (q) => q.where('workforce_workers.role', '=', role!))
      .orderBy('workforce_workers.created_at')
      .orderBy('workforce_workers.id')
      .execute();
    return rows.map(withSignIn);
  }

  /** The current memberships of an identity in the project. */
  async workersOfUser(projectId: string, userId: string): Promise<WorkerWithSignIn[]> {
    const rows = await this.workersWithSignIn()
      .where('workforce_workers.project_id', '=', projectId)
      .where('workforce_workers.user_id', '=', userId)
      .where('workforce_workers.deleted_at', 'is', null)
      .orderBy('workforce_workers.created_at')
      .execute();
    return rows.map(withSignIn);
  }

  async emailsInTeam(workforceId: string, emails: readonly string[]): Promise<string[]> {
    if (emails.length === 0) return [];
    const rows = await this.db
      .selectFrom('workforce_workers')
      .select('email')
      .where('workforce_id', '=', workforceId)
      .where('email', 'in', emails)
      .where('deleted_at', 'is', null)
      .execute();
    return rows.map((r) => r.email);
  }

  async insertWorkers(rows: readonly WorkerRow[]): Promise<void> {
    if (rows.length === 0) return;
    await this.db.transaction().execute(async (trx) => {
      for (const row of rows) await trx.insertInto('workforce_workers').values(row).execute();
    });
  }

  async updateWorker(id: string, patch: Partial<Pick<WorkerRow, 'role' | 'description' | 'updated_at'>>): Promise<void> {
    await this.db.updateTable('workforce_workers').set(patch).where('id', '=', id).where('deleted_at', 'is', null).execute();
  }

  /** Marks the members removed and drops their invitations, in one transaction; returns the rows it removed. */
  async removeWorkers(ids: readonly string[], at: number): Promise<Array<Pick<WorkerRow, 'id' | 'user_id' | 'project_id'>>> {
    if (ids.length === 0) return [];
    return this.db.transaction().execute(async (trx) => {
      const rows = await trx
        .selectFrom('workforce_workers')
        .select(['id', 'user_id', 'project_id'])
        .where('id', 'in', ids)
        .where('deleted_at', 'is', null)
        .execute();
      if (rows.length === 0) return [];
      const removed = rows.map((r) => r.id);
      await trx.updateTable('workforce_workers').set({ deleted_at: at, updated_at: at }).where('id', 'in', removed).execute();
      await trx.deleteFrom('worker_invitations').where('worker_id', 'in', removed).execute();
      return rows;
    });
  }

  async hasActiveMembership(projectId: string, userId: string): Promise<boolean> {
    const row = await this.db
      .selectFrom('workforce_workers')
      .select('id')
      .where('project_id', '=', projectId)
      .where('user_id', '=', userId)
      .where('deleted_at', 'is', null)
      .limit(1)
      .executeTakeFirst();
    return row !== undefined;
  }

  // ---- invitations ----

  async insertInvitation(row: WorkerInvitationRow): Promise<void> {
    await this.db.insertInto('worker_invitations').values(row).execute();
  }

  /** Status 1: an invitation went out (unless the member was removed meanwhile). */
  async markInvited(workerId: string, at: number): Promise<void> {
    await this.db
      .updateTable('workforce_workers')
      .set({ invite_status: 1, updated_at: at })
      .where('id', '=', workerId)
      .where('deleted_at', 'is', null)
      .execute();
  }

  async dropInvitation(tokenHash: string): Promise<void> {
    await this.db.deleteFrom('worker_invitations').where('token_hash', '=', tokenHash).execute();
  }

  invitation(tokenHash: string): Promise<WorkerInvitationRow | undefined> {
    return this.db.selectFrom('worker_invitations').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
  }

  /** Uses the invitation once: false when another request used it first. */
  async useInvitation(tokenHash: string, at: number): Promise<boolean> {
    const r = await this.db
      .updateTable('worker_invitations')
      .set({ used_at: at })
      .where('token_hash', '=', tokenHash)
      .where('used_at', 'is', null)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }
}

function withSignIn(row: WorkerRow & { last_sign_in_at: number | string | null | undefined }): WorkerWithSignIn {
  return { ...row, last_sign_in_at: row.last_sign_in_at === null || row.last_sign_in_at === undefined ? null : Number(row.last_sign_in_at) };
}
