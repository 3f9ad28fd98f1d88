import { sql, type ExpressionBuilder, type Transaction } from 'kysely';
import type { Db } from '#src/db/database.ts';
import type { Tables } from '#src/db/tables.ts';
import { pageLiterals } from '#src/db/paging.ts';
import { isUniqueViolation } from '#src/db/driver-errors.ts';
import type { DatasetRow, DatasetVersionRow } from './tables.ts';

export interface DatasetFilter {
  projectId: string;
  type?: number;
  /** Only these types (support_export). */
  types?: readonly number[];
  workspaceId?: string;
  /** Case-insensitive substring of the name or the description. */
  search?: string;
  withVersions?: boolean;
  /** Has a version whose split ratio lies in [min, max]. */
  versionRatio?: { min: number; max: number };
  versionFormat?: string;
}

export interface VersionFilter {
  status?: number;
  ratio?: { min: number; max: number };
  format?: string;
}

export type DatasetPatch = Partial<Omit<DatasetRow, 'id' | 'project_id'>>;
export type VersionPatch = Partial<Omit<DatasetVersionRow, 'id' | 'dataset_id'>>;

/** `%`, `_` and the escape character itself taken literally in a LIKE pattern. */
function likeContains(text: string): string {
  return `%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

export class VersionNameTaken extends Error {
  constructor(readonly versionName: string) {
    super(`version name ${versionName} is taken`);
  }
}

/** SQL over the datasets and dataset_versions tables. */
export class DatasetStore {
  constructor(readonly db: Db) {}

  async get(projectId: string, id: string): Promise<DatasetRow | undefined> {
    return this.db.selectFrom('datasets').selectAll().where('id', '=', id).where('project_id', '=', projectId).executeTakeFirst();
  }

  /** For background tasks, which carry only the id. */
  async getById(id: string): Promise<DatasetRow | undefined> {
    return this.db.selectFrom('datasets').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async touch(id: string, now: number): Promise<void> {
    await this.db.updateTable('datasets').set({ data_update_time: now, update_time: now }).where('id', '=', id).execute();
  }

  async nameTaken(projectId: string, name: string, exceptId?: string): Promise<boolean> {
    let q = this.db.selectFrom('datasets').select('id').where('project_id', '=', projectId).where('name', '=', name);
    if (exceptId !== undefined) q = q.where('id', '!=', exceptId);
    return (await q.executeTakeFirst()) !== undefined;
  }

  async insert(row: DatasetRow): Promise<void> {
    await this.db.insertInto('datasets').values(row).execute();
  }

  async update(id: string, patch: DatasetPatch): Promise<void> {
    await this.db.updateTable('datasets').set(patch).where('id', '=', id).execute();
  }

  /** Moves the status from one of `from` to `to`; false when the dataset was in another state. */
  async changeStatus(id: string, from: readonly number[], to: number, patch: DatasetPatch = {}): Promise<boolean> {
    const r = await this.db
      .updateTable('datasets')
      .set({ ...patch, status: to })
      .where('id', '=', id)
      .where('status', 'in', [...from])
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  /** Datasets of every project in these states (for the reconciler). */
  async inStatus(statuses: readonly number[]): Promise<DatasetRow[]> {
    return this.db
      .selectFrom('datasets')
      .selectAll()
      .where('status', 'in', [...statuses])
      .execute();
  }

  /** Deletes the dataset; its versions go with it (ON DELETE CASCADE). */
  async delete(id: string): Promise<void> {
    await this.db.deleteFrom('datasets').where('id', '=', id).execute();
  }

  private datasetWhere(f: DatasetFilter) {
    return (eb: ExpressionBuilder<Tables, 'datasets'>) => {
      const conds = [eb('datasets.project_id', '=', f.projectId)];
      if (f.type !== undefined) conds.push(eb('datasets.type', '=', f.type));
      if (f.types !== undefined) conds.push(eb('datasets.type', 'in', [...f.types]));
      if (f.workspaceId !== undefined) conds.push(eb('datasets.workspace_id', '=', f.workspaceId));
      if (f.search) {
        const pattern = likeContains(f.search);
        conds.push(
          eb.or([
            eb(sql`lower(datasets.name)`, 'like', sql`${pattern} escape '\\'`),
            eb(sql`lower(datasets.description)`, 'like', sql`${pattern} escape '\\'`),
          ]),
        );
      }
      if (f.withVersions || f.versionRatio || f.versionFormat !== undefined) {
        conds.push(
          eb.exists(
            eb
              .selectFrom('dataset_versions as v')
              .select(sql.lit(1).as('one'))
              .whereRef('v.dataset_id', '=', 'datasets.id')
              .$if(f.versionRatio !== undefined, (q) => q.where('v.train_ratio', '>=', f.versionRatio!.min).where('v.train_ratio', '<=', f.versionRatio!.max))
              .$if(f.versionFormat !== undefined, (q) => q.where('v.version_format', '=', f.versionFormat!)),
          ),
        );
      }
      return eb.and(conds);
    };
  }

  async count(f: DatasetFilter): Promise<number> {
    const r = await this.db
      .selectFrom('datasets')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where(this.datasetWhere(f))
      .executeTakeFirst();
    return Number(r?.n ?? 0);
  }

  async page(f: DatasetFilter, sortBy: 'create_time' | 'name', order: 'asc' | 'desc', limit: number, offset: number): Promise<DatasetRow[]> {
    const page = pageLiterals(limit, offset);
    return this.db
      .selectFrom('datasets')
      .selectAll()
      .where(this.datasetWhere(f))
      .orderBy(sortBy, order)
      .orderBy('id', order)
      .limit(page.limit)
      .offset(page.offset)
      .execute();
  }

  // ---- versions ----

  async getVersion(datasetId: string, versionId: string): Promise<DatasetVersionRow | undefined> {
    return this.db.selectFrom('dataset_versions').selectAll().where('id', '=', versionId).where('dataset_id', '=', datasetId).executeTakeFirst();
  }

  async getVersionById(versionId: string): Promise<DatasetVersionRow | undefined> {
    return this.db.selectFrom('dataset_versions').selectAll().where('id', '=', versionId).executeTakeFirst();
  }

  private versionWhere(datasetId: string, f: VersionFilter) {
    return (eb: ExpressionBuilder<Tables, 'dataset_versions'>) => {
      const conds = [eb('dataset_id', '=', datasetId)];
      if (f.status !== undefined) conds.push(eb('status', '=', f.status));
      if (f.format !== undefined) conds.push(eb('version_format', '=', f.format));
      if (f.ratio) conds.push(eb('train_ratio', '>=', f.ratio.min), eb('train_ratio', '<=', f.ratio.max));
      return eb.and(conds);
    };
  }

  async countVersions(datasetId: string, f: VersionFilter = {}): Promise<number> {
    const r = await this.db
      .selectFrom('dataset_versions')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where(this.versionWhere(datasetId, f))
      .executeTakeFirst();
    return Number(r?.n ?? 0);
  }

  /** Newest first, as the spec's example lists them. */
  async pageVersions(datasetId: string, f: VersionFilter, limit: number, offset: number): Promise<DatasetVersionRow[]> {
    const page = pageLiterals(limit, offset);
    return this.db
      .selectFrom('dataset_versions')
      .selectAll()
      .where(this.versionWhere(datasetId, f))
      .orderBy('create_time', 'desc')
      .orderBy('name', 'desc')
      .limit(page.limit)
      .offset(page.offset)
      .execute();
  }

  async versionsByIds(ids: string[]): Promise<DatasetVersionRow[]> {
    if (ids.length === 0) return [];
    return this.db.selectFrom('dataset_versions').selectAll().where('id', 'in', ids).execute();
  }

  /** Versions still being published (their background tasks). */
  async creatingVersions(datasetId: string): Promise<DatasetVersionRow[]> {
    return this.db.selectFrom('dataset_versions').selectAll().where('dataset_id', '=', datasetId).where('status', '=', 0).execute();
  }

  async allVersionIds(datasetId: string): Promise<string[]> {
    const rows = await this.db.selectFrom('dataset_versions').select('id').where('dataset_id', '=', datasetId).execute();
    return rows.map((r) => r.id);
  }

  async latestNormalVersion(datasetId: string, exceptId?: string): Promise<DatasetVersionRow | undefined> {
    let q = this.db.selectFrom('dataset_versions').selectAll().where('dataset_id', '=', datasetId).where('status', '=', 1);
    if (exceptId !== undefined) q = q.where('id', '!=', exceptId);
    return q.orderBy('create_time', 'desc').orderBy('name', 'desc').limit(1).executeTakeFirst();
  }

  async updateVersion(id: string, patch: VersionPatch): Promise<void> {
    await this.db.updateTable('dataset_versions').set(patch).where('id', '=', id).execute();
  }

  /**
   * Ends a publication in one transaction: the version gets its final state and the dataset, if still
   * releasing, becomes normal with `datasetPatch`.
   */
  async settleVersion(version: DatasetVersionRow, versionPatch: VersionPatch, datasetPatch: DatasetPatch): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx.updateTable('dataset_versions').set(versionPatch).where('id', '=', version.id).execute();
      await trx
        .updateTable('datasets')
        .set({ ...datasetPatch, status: 1 })
        .where('id', '=', version.dataset_id)
        .where('status', '=', 6)
        .execute();
    });
  }

  async deleteVersion(id: string): Promise<void> {
    await this.db.deleteFrom('dataset_versions').where('id', '=', id).execute();
  }

  /**
   * Starts publishing, atomically: the dataset moves from normal to releasing (false when it was not
   * normal), the version row is inserted with the requested name or the next free Vnnn, and the
   * counter advances. `build` gets the chosen name. A requested name already in use throws
   * VersionNameTaken and changes nothing.
   */
  async beginPublish(
    datasetId: string,
    requestedName: string | undefined,
    now: number,
    build: (name: string, previousVersionId: string | null) => DatasetVersionRow,
  ): Promise<DatasetVersionRow | undefined> {
    try {
      return await this.db.transaction().execute(async (trx) => {
        const moved = await trx
          .updateTable('datasets')
          .set({ status: 6, update_time: now })
          .where('id', '=', datasetId)
          .where('status', '=', 1)
          .executeTakeFirst();
        if (Number(moved.numUpdatedRows) === 0) return undefined;
        const ds = await trx.selectFrom('datasets').select(['next_version_num', 'current_version_id']).where('id', '=', datasetId).executeTakeFirstOrThrow();
        let next = ds.next_version_num;
        let name = requestedName;
        if (name === undefined) {
          do name = `V${String(next++).padStart(3, '0')}`;
          while (await this.versionNameTaken(trx, datasetId, name));
        } else if (await this.versionNameTaken(trx, datasetId, name)) {
          throw new VersionNameTaken(name);
        }
        const row = build(name, ds.current_version_id);
        await trx.insertInto('dataset_versions').values(row).execute();
        if (requestedName === undefined) await trx.updateTable('datasets').set({ next_version_num: next }).where('id', '=', datasetId).execute();
        return row;
      });
    } catch (e) {
      // Two requests naming the same version at once: the unique index turns the second away.
      if (requestedName !== undefined && isUniqueViolation(e)) throw new VersionNameTaken(requestedName);
      throw e;
    }
  }

  private async versionNameTaken(trx: Transaction<Tables>, datasetId: string, name: string): Promise<boolean> {
    const r = await trx.selectFrom('dataset_versions').select('id').where('dataset_id', '=', datasetId).where('name', '=', name).executeTakeFirst();
    return r !== undefined;
  }
}
