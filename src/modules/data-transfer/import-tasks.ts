// Import tasks (#54, #56): the record of each import into a dataset. Today every import is the scan
// of a new dataset's input; the record is written by that scan through DatasetImportsPort and read
// here. The files an import could not take are counted, and the first of them named with the reason
// in error_msg, while the task still completes with the rest.
import { apiError } from '#src/core/errors.ts';
import type { Clock } from '#src/core/time.ts';
import type { Db } from '#src/db/database.ts';
import type { DatasetImportsPort, ImportCounts, ImportErrorLog, ImportFileError, NewImport } from '#src/modules/datasets/index.ts';
import { pageStart } from '#src/core/start-page.ts';
import type { ImportTaskStore } from './import-store.ts';
import type { ImportDatasets } from './ports.ts';
import type { ImportStatus, ImportTaskStatusResp, ListImportTasksQuery, ListImportTasksResponse } from './schemas.ts';
import type { ImportTaskRow } from './tables.ts';

/** Files named in error_msg; all of them (up to ImportErrorLog.MAX_KEPT) are kept in the record. */
const NAMED_IN_MESSAGE = 20;

function errorSummary(count: number, first: readonly ImportFileError[]): string {
  const named = first.slice(0, NAMED_IN_MESSAGE).map((e) => `${e.file}: ${e.reason}`);
  const more = count - named.length;
  return `${count} file${count === 1 ? '' : 's'} could not be imported as given: ${named.join('; ')}${more > 0 ? `; and ${more} more` : ''}`;
}

/** An import's counts; samplesUnconfirmed only for ImportTask (the dataset's own scan has none). */
export type TransferCounts = ImportCounts & { samplesUnconfirmed?: number };

function countsPatch(c: TransferCounts) {
  return {
    unconfirmed_sample_count: c.samplesUnconfirmed ?? 0,
    total_sample_count: c.samplesFound,
    imported_sample_count: c.samplesAdded,
    annotated_sample_count: c.samplesAnnotated,
    total_file_count: c.filesFound,
    total_file_size: c.bytesFound,
    // Imports read the files where they are: a file found is a file done once its batch is in.
    finished_file_count: c.filesFound,
    finished_file_size: c.bytesFound,
  };
}

export function importTaskView(r: ImportTaskRow, now: number): ImportTaskStatusResp {
  const running = r.end_time === null && r.start_time !== null;
  const elapsedMs = r.start_time === null ? 0 : (r.end_time ?? (running ? now : r.start_time)) - r.start_time;
  return {
    task_id: r.id,
    dataset_id: r.dataset_id,
    status: r.status as ImportStatus,
    import_path: r.import_path,
    import_type: r.import_type,
    data_source: JSON.parse(r.data_source) as ImportTaskStatusResp['data_source'],
    total_sample_count: r.total_sample_count,
    imported_sample_count: r.imported_sample_count,
    annotated_sample_count: r.annotated_sample_count,
    unconfirmed_sample_count: r.unconfirmed_sample_count,
    total_sub_sample_count: 0,
    imported_sub_sample_count: 0,
    total_file_count: r.total_file_count,
    total_file_size: r.total_file_size,
    finished_file_count: r.finished_file_count,
    finished_file_size: r.finished_file_size,
    file_statistics: {
      file_num_finished: r.finished_file_count,
      file_num_total: r.total_file_count,
      file_size_finished: r.finished_file_size,
      file_size_total: r.total_file_size,
    },
    ...(r.error_code !== null ? { error_code: r.error_code } : {}),
    ...(r.error_msg !== null ? { error_msg: r.error_msg } : {}),
    create_time: r.create_time,
    update_ms: r.update_time,
    elapsed_time: Math.floor(Math.max(0, elapsedMs) / 1000),
  };
}

export class ImportTasks implements DatasetImportsPort {
  constructor(
    private readonly store: ImportTaskStore,
    private readonly directory: ImportDatasets,
    private readonly clock: Clock,
  ) {}

  async create(task: NewImport): Promise<void> {
    const now = this.clock.now();
    await this.store.insert({
      id: task.id,
      dataset_id: task.datasetId,
      project_id: task.projectId,
      status: 'QUEUING',
      import_type: task.importType,
      import_path: task.importPath,
      data_source: JSON.stringify({ data_type: 0, data_path: task.importPath }),
      options: JSON.stringify(task.options),
      queue_task_id: null,
      total_sample_count: 0,
      imported_sample_count: 0,
      annotated_sample_count: 0,
      unconfirmed_sample_count: 0,
      total_file_count: 0,
      total_file_size: 0,
      finished_file_count: 0,
      finished_file_size: 0,
      error_count: 0,
      errors: '[]',
      error_code: null,
      error_msg: null,
      create_time: now,
      update_time: now,
      start_time: null,
      end_time: null,
    });
  }

  /**
   * The samples an earlier attempt added stay added; what it found is found again. `relabel`: the run
   * labels samples already there, which a new run does again, so its counts start over.
   */
  async started(id: string, relabel = false): Promise<Pick<TransferCounts, 'samplesAdded' | 'samplesAnnotated' | 'samplesUnconfirmed'>> {
    const row = await this.store.getById(id);
    if (!row) return { samplesAdded: 0, samplesAnnotated: 0, samplesUnconfirmed: 0 };
    const now = this.clock.now();
    const kept = relabel
      ? { samplesAdded: 0, samplesAnnotated: 0, samplesUnconfirmed: 0 }
      : { samplesAdded: row.imported_sample_count, samplesAnnotated: row.annotated_sample_count, samplesUnconfirmed: row.unconfirmed_sample_count };
    await this.store.update(id, {
      status: 'RUNNING',
      start_time: row.start_time ?? now,
      end_time: null,
      update_time: now,
      ...countsPatch({ samplesFound: 0, filesFound: 0, bytesFound: 0, ...kept }),
      error_count: 0,
      errors: '[]',
      error_code: null,
      error_msg: null,
    });
    return kept;
  }

  /** `db`: the transaction of the batch these counts include. */
  async progress(id: string, counts: TransferCounts, errors: ImportErrorLog, db?: Db): Promise<void> {
    const patch = { ...countsPatch(counts), error_count: errors.count, errors: JSON.stringify(errors.first), update_time: this.clock.now() };
    await this.store.update(id, patch, db);
  }

  async finished(id: string, counts: TransferCounts, errors: ImportErrorLog, failure?: { code: string; message: string }): Promise<void> {
    const now = this.clock.now();
    const summary = errors.count > 0 ? errorSummary(errors.count, errors.first) : undefined;
    await this.store.update(id, {
      ...countsPatch(counts),
      status: failure ? 'FAILED' : 'COMPLETED',
      error_count: errors.count,
      errors: JSON.stringify(errors.first),
      // A failure names its reason first; the files it could not take follow.
      error_code: failure?.code ?? (summary ? 'ModelArts.4362' : null),
      error_msg: failure ? [failure.message, summary].filter(Boolean).join('. ') : (summary ?? null),
      end_time: now,
      update_time: now,
    });
  }

  /** An import whose background task is gone without finishing it (see the datasets reconciler). */
  async abandoned(id: string, reason: string): Promise<void> {
    const row = await this.store.getById(id);
    if (!row || row.status === 'COMPLETED' || row.status === 'FAILED') return;
    const now = this.clock.now();
    await this.store.update(id, { status: 'FAILED', error_code: 'ModelArts.4921', error_msg: reason, end_time: now, update_time: now });
  }

  async list(projectId: string, datasetId: string, q: ListImportTasksQuery): Promise<ListImportTasksResponse> {
    const dataset = await this.directory.require(projectId, datasetId);
    const [total, rows] = await Promise.all([this.store.count(dataset.id), this.store.page(dataset.id, q.limit, pageStart(q.offset, q.limit))]);
    const now = this.clock.now();
    return { total_count: total, import_tasks: rows.map((r) => importTaskView(r, now)) };
  }

  async describe(projectId: string, datasetId: string, taskId: string): Promise<ImportTaskStatusResp> {
    const dataset = await this.directory.require(projectId, datasetId);
    const row = await this.store.get(dataset.id, taskId);
    if (!row) throw apiError(400, 'ModelArts.4612', `(import task ${taskId} of dataset ${dataset.id})`);
    return importTaskView(row, this.clock.now());
  }
}
