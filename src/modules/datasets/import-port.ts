// What the datasets family needs of import task records (implemented by data-transfer's ImportTasks):
// creating a dataset with a data source runs an import (the input scan), and that import has a task
// record whose id is the dataset's import_task_id, with its counts and the files it could not take.

/** A file (or a sample of it) the import could not take as it was, and why. */
export interface ImportFileError {
  file: string;
  reason: string;
}

/** Running totals of an import. */
export interface ImportCounts {
  samplesFound: number;
  samplesAdded: number;
  samplesAnnotated: number;
  filesFound: number;
  bytesFound: number;
}

export interface NewImport {
  id: string;
  datasetId: string;
  projectId: string;
  /** `/bucket/dir/` (import_type 0) or the manifest's path (1). */
  importPath: string;
  importType: 0 | 1;
  /** The import's choices, kept for the task's later runs. */
  options: Record<string, unknown>;
}

export interface DatasetImportsPort {
  /** Records an import waiting for its background task (status QUEUING). */
  create(task: NewImport): Promise<void>;
  /**
   * The background task started (again): RUNNING, counts of an earlier attempt cleared but the samples
   * it added, which come back.
   */
  started(id: string): Promise<Pick<ImportCounts, 'samplesAdded' | 'samplesAnnotated'>>;
  progress(id: string, counts: ImportCounts, errors: ImportErrorLog): Promise<void>;
  /** Done: COMPLETED (with the files it could not take), or FAILED with the reason. */
  finished(id: string, counts: ImportCounts, errors: ImportErrorLog, failure?: { code: string; message: string }): Promise<void>;
  /** The import's background task is gone without finishing it: FAILED with the reason (a finished import stays as it is). */
  abandoned(id: string, reason: string): Promise<void>;
}

/** The errors of an import: how many, and the first MAX_KEPT of them. */
export class ImportErrorLog {
  static readonly MAX_KEPT = 100;
  count = 0;
  readonly first: ImportFileError[] = [];

  add(file: string, reason: string): void {
    this.count++;
    if (this.first.length < ImportErrorLog.MAX_KEPT) this.first.push({ file, reason });
  }
}
