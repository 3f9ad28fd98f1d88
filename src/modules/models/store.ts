import { sql } from 'kysely';
import type { Db } from '#src/db/database.ts';
import { pageLiterals } from '#src/db/paging.ts';
import type { ListModelsQuery } from './schemas.ts';
import type { ModelRow, ModelStatus } from './tables.ts';

/** SQL over the models table. */
export class ModelStore {
  constructor(private readonly db: Db) {}

  async insert(row: ModelRow): Promise<void> {
    await this.db.insertInto('models').values(row).execute();
  }

  async get(projectId: string, id: string): Promise<ModelRow | undefined> {
    return this.db.selectFrom('models').selectAll().where('project_id', '=', projectId).where('id', '=', id).executeTakeFirst();
  }

  async byId(id: string): Promise<ModelRow | undefined> {
    return this.db.selectFrom('models').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async exists(projectId: string, name: string, version: string): Promise<boolean> {
    const r = await this.db
      .selectFrom('models')
      .select('id')
      .where('project_id', '=', projectId)
      .where('model_name', '=', name)
      .where('model_version', '=', version)
      .executeTakeFirst();
    return r !== undefined;
  }

  async versionsOf(projectId: string, name: string): Promise<ModelRow[]> {
    return this.db.selectFrom('models').selectAll().where('project_id', '=', projectId).where('model_name', '=', name).orderBy('create_at', 'asc').execute();
  }

  async setStatus(id: string, status: ModelStatus, errorMsg: string | null): Promise<void> {
    await this.db.updateTable('models').set({ model_status: status, error_msg: errorMsg }).where('id', '=', id).execute();
  }

  async publishing(): Promise<ModelRow[]> {
    return this.db.selectFrom('models').selectAll().where('model_status', '=', 'publishing').execute();
  }

  async delete(id: string): Promise<void> {
    await this.db.deleteFrom('models').where('id', '=', id).execute();
  }

  private filtered(projectId: string, q: ListModelsQuery) {
    let query = this.db
      .selectFrom('models')
      .where('project_id', '=', projectId)
      .where('workspace_id', '=', q.workspace_id ?? '0');
    if (q.model_name !== undefined) {
      // Fuzzy by default; with exact_match=true "_" (a LIKE wildcard) is matched literally.
      const name = q.exact_match === 'true' ? q.model_name.replace(/[\\%_]/g, (c) => `\\${c}`) : q.model_name.replace(/[\\%]/g, (c) => `\\${c}`);
      query = query.where(sql<boolean>`model_name like ${`%${name}%`} escape '\\'`);
    }
    if (q.description !== undefined) {
      const d = q.description.replace(/[\\%_]/g, (c) => `\\${c}`);
      query = query.where(sql<boolean>`description like ${`%${d}%`} escape '\\'`);
    }
    if (q.model_version !== undefined) query = query.where('model_version', '=', q.model_version);
    if (q.model_status !== undefined) query = query.where('model_status', '=', q.model_status as ModelStatus);
    if (q.model_type !== undefined) query = query.where('model_type', '=', q.model_type);
    if (q.not_model_type !== undefined) query = query.where('model_type', '<>', q.not_model_type);
    return query;
  }

  async count(projectId: string, q: ListModelsQuery): Promise<number> {
    const r = await this.filtered(projectId, q)
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirst();
    return Number(r?.n ?? 0);
  }

  async page(projectId: string, q: ListModelsQuery): Promise<ModelRow[]> {
    const page = pageLiterals(q.limit, q.offset * q.limit);
    const dir = q.order === 'asc' ? 'asc' : 'desc';
    const by = q.sort_by ?? 'create_at';
    return this.filtered(projectId, q).selectAll().orderBy(by, dir).orderBy('id', dir).limit(page.limit).offset(page.offset).execute();
  }
}
