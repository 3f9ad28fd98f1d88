// SQL over the export tasks table.
import type { Db } from '#src/db/database.ts';
import { pageLiterals } from '#src/db/paging.ts';
import type { ExportTaskRow } from './export-tables.ts';

export type ExportTaskPatch = Partial<Omit<ExportTaskRow, 'id' | 'dataset_id' | 'project_id'>>;

const NUMBERS = ['total_sample_count', 'finished_sample_count', 'create_time', 'update_time'] as const;

/** bigint columns come back as strings from PostgreSQL. */
function numeric(r: ExportTaskRow): ExportTaskRow {
  const out = { ...r };
  for (const k of NUMBERS) out[k] = Number(out[k]);
  return out;
}

export class ExportTaskStore {
  constructor(private readonly db: Db) {}

  async insert(row: ExportTaskRow): Promise<void> {
    await this.db.insertInto('dataset_export_tasks').values(row).execute();
  }

  async get(datasetId: string, id: string): Promise<ExportTaskRow | undefined> {
    const r = await this.db.selectFrom('dataset_export_tasks').selectAll().where('id', '=', id).where('dataset_id', '=', datasetId).executeTakeFirst();
    return r && numeric(r);
  }

  async getById(id: string): Promise<ExportTaskRow | undefined> {
    const r = await this.db.selectFrom('dataset_export_tasks').selectAll().where('id', '=', id).executeTakeFirst();
    return r && numeric(r);
  }

  async update(id: string, patch: ExportTaskPatch): Promise<void> {
    await this.db.updateTable('dataset_export_tasks').set(patch).where('id', '=', id).execute();
  }

  /** Applies `patch` only while the task is still INIT or RUNNING. */
  async finishIfUnfinished(id: string, patch: ExportTaskPatch): Promise<void> {
    await this.db.updateTable('dataset_export_tasks').set(patch).where('id', '=', id).where('status', 'in', ['INIT', 'RUNNING']).execute();
  }

  /** Tasks not finished: what a restart must see through. */
  async unfinished(): Promise<ExportTaskRow[]> {
    const rows = await this.db.selectFrom('dataset_export_tasks').selectAll().where('status', 'in', ['INIT', 'RUNNING']).execute();
    return rows.map(numeric);
  }

  async count(datasetId: string, exportType?: number): Promise<number> {
    let q = this.db
      .selectFrom('dataset_export_tasks')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('dataset_id', '=', datasetId);
    if (exportType !== undefined) q = q.where('export_type', '=', exportType);
    const r = await q.executeTakeFirst();
    return Number(r?.n ?? 0);
  }

  /** Newest first. */
  async page(datasetId: string, limit: number, offset: number, exportType?: number): Promise<ExportTaskRow[]> {
    const page = pageLiterals(limit, offset);
    let q = this.db.selectFrom('dataset_export_tasks').selectAll().where('dataset_id', '=', datasetId);
    if (exportType !== undefined) q = q.where('export_type', '=', exportType);
    const rows = await q.orderBy('create_time', 'desc').orderBy('id', 'desc').limit(page.limit).offset(page.offset).execute();
    return rows.map(numeric);
  }
}
