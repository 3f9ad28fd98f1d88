// SQL over the import tasks table.
import type { Db } from '#src/db/database.ts';
import { pageLiterals } from '#src/db/paging.ts';
import type { ImportTaskRow } from './tables.ts';

export type ImportTaskPatch = Partial<Omit<ImportTaskRow, 'id' | 'dataset_id' | 'project_id'>>;

const COUNTS = [
  'total_sample_count',
  'imported_sample_count',
  'annotated_sample_count',
  'unconfirmed_sample_count',
  'total_file_count',
  'total_file_size',
  'finished_file_count',
  'finished_file_size',
  'error_count',
  'create_time',
  'update_time',
  'start_time',
  'end_time',
] as const;

/** bigint columns come back as strings from PostgreSQL. */
function numeric(r: ImportTaskRow): ImportTaskRow {
  const out = { ...r };
  for (const k of COUNTS) if (out[k] !== null) (out as Record<string, unknown>)[k] = Number(out[k]);
  return out;
}

export class ImportTaskStore {
  constructor(private readonly db: Db) {}

  async insert(row: ImportTaskRow): Promise<void> {
    await this.db.insertInto('dataset_import_tasks').values(row).execute();
  }

  async get(datasetId: string, id: string): Promise<ImportTaskRow | undefined> {
    const r = await this.db.selectFrom('dataset_import_tasks').selectAll().where('id', '=', id).where('dataset_id', '=', datasetId).executeTakeFirst();
    return r && numeric(r);
  }

  async getById(id: string): Promise<ImportTaskRow | undefined> {
    const r = await this.db.selectFrom('dataset_import_tasks').selectAll().where('id', '=', id).executeTakeFirst();
    return r && numeric(r);
  }

  /** `db`: a transaction to write in (an import batch's, so its counts commit with its samples). */
  async update(id: string, patch: ImportTaskPatch, db: Db = this.db): Promise<void> {
    await db.updateTable('dataset_import_tasks').set(patch).where('id', '=', id).execute();
  }

  async count(datasetId: string): Promise<number> {
    const r = await this.db
      .selectFrom('dataset_import_tasks')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('dataset_id', '=', datasetId)
      .executeTakeFirst();
    return Number(r?.n ?? 0);
  }

  /** Newest first. */
  async page(datasetId: string, limit: number, offset: number): Promise<ImportTaskRow[]> {
    const page = pageLiterals(limit, offset);
    const rows = await this.db
      .selectFrom('dataset_import_tasks')
      .selectAll()
      .where('dataset_id', '=', datasetId)
      .orderBy('create_time', 'desc')
      .orderBy('id', 'desc')
      .limit(page.limit)
      .offset(page.offset)
      .execute();
    return rows.map(numeric);
  }
}
