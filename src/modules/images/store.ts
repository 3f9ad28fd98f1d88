import type { Db } from '#src/db/database.ts';
import type { ImageRow, ImageStatus } from './tables.ts';

export type ImagePatch = Partial<Omit<ImageRow, 'id' | 'project_id'>>;

/** SQL over the images table. */
export class ImageStore {
  constructor(private readonly db: Db) {}

  async insert(row: ImageRow): Promise<void> {
    await this.db.insertInto('images').values(row).execute();
  }

  get(projectId: string, id: string): Promise<ImageRow | undefined> {
    return this.db.selectFrom('images').selectAll().where('project_id', '=', projectId).where('id', '=', id).executeTakeFirst();
  }

  byId(id: string): Promise<ImageRow | undefined> {
    return this.db.selectFrom('images').selectAll().where('id', '=', id).executeTakeFirst();
  }

  /** Every image of the project; a project holds few, so lists filter and page them in memory with the built-in ones. */
  ofProject(projectId: string): Promise<ImageRow[]> {
    return this.db.selectFrom('images').selectAll().where('project_id', '=', projectId).orderBy('create_at').orderBy('id').execute();
  }

  async countOfProject(projectId: string): Promise<number> {
    const r = await this.db
      .selectFrom('images')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('project_id', '=', projectId)
      .executeTakeFirst();
    return Number(r?.n ?? 0);
  }

  withPrefix(projectId: string, prefix: string): Promise<ImageRow | undefined> {
    return this.db.selectFrom('images').selectAll().where('project_id', '=', projectId).where('prefix', '=', prefix).executeTakeFirst();
  }

  inStatus(status: ImageStatus): Promise<ImageRow[]> {
    return this.db.selectFrom('images').selectAll().where('status', '=', status).execute();
  }

  /** Updates the image when it is in `from` (any status when absent); false when it was not. */
  async update(id: string, patch: ImagePatch, from?: ImageStatus): Promise<boolean> {
    let q = this.db.updateTable('images').set(patch).where('id', '=', id);
    if (from) q = q.where('status', '=', from);
    const r = await q.executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  async delete(id: string): Promise<void> {
    await this.db.deleteFrom('images').where('id', '=', id).execute();
  }
}
