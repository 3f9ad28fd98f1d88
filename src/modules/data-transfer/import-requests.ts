// ImportTask (#55): checks the request (the dataset, the path and its bucket, the options), records
// the task QUEUING and queues its background work (import-run.ts).
import { apiError, errors } from '#src/core/errors.ts';
import { shortId } from '#src/core/ids.ts';
import { textLabelLayout } from '#src/formats/label-format.ts';
import type { TaskQueue } from '#src/runtime/index.ts';
import type { BucketAccess } from '#src/storage/bucket-access.ts';
import { formatObsPath, parseObsPath, type ObjectPath } from '#src/storage/obs-path.ts';
import type { ImportTaskStore } from './import-store.ts';
import type { ImportRunTask } from './import-run.ts';
import type { ImportChoices } from './import-sources.ts';
import type { ImportTaskRequest, ImportTaskResponse } from './import-schemas.ts';
import type { ImportTasks } from './import-tasks.ts';
import type { TransferDatasets } from './ports.ts';

/** Text datasets (text classification, entities, triplets) read label_format. */
const TEXT_TYPES: readonly number[] = [100, 101, 102];

export interface ImportRequestDeps {
  records: ImportTasks;
  store: ImportTaskStore;
  datasets: TransferDatasets;
  buckets: BucketAccess;
  tasks: TaskQueue;
  run: ImportRunTask;
}

function importPath(raw: string, type: 'dir' | 'manifest'): ObjectPath {
  const p = parseObsPath(raw, 'body.import_path');
  if (type === 'dir') {
    if (p.key === '' || p.key === '/') throw apiError(400, 'ModelArts.4205', `(body.import_path: ${raw})`);
    return p.key.endsWith('/') ? p : { bucket: p.bucket, key: `${p.key}/` };
  }
  if (p.key === '' || p.key.endsWith('/')) throw errors.badParam(`body.import_path must name a manifest file for import_type manifest, got ${raw}`);
  return p;
}

export class ImportRequests {
  constructor(private readonly deps: ImportRequestDeps) {}

  async submit(projectId: string, datasetId: string, req: ImportTaskRequest): Promise<ImportTaskResponse> {
    const dataset = await this.deps.datasets.requireWritable(projectId, datasetId);
    if (req.import_origin !== undefined && req.import_origin !== 'obs')
      throw errors.badParam(`body.import_origin ${req.import_origin} is not served: only obs`);
    if ((req.data_source?.data_type ?? 0) !== 0) throw errors.badParam('body.data_source.data_type: only 0 (OBS) is served');
    if (req.import_samples === false && req.import_annotations === false)
      throw errors.badParam('body.import_annotations: with import_samples false an import only brings labels, so it cannot be false too');
    const type = req.import_type ?? (req.import_path.toLowerCase().endsWith('.manifest') ? 'manifest' : 'dir');
    const path = importPath(req.import_path, type);
    await this.deps.buckets.check({ projectId }, path, 'body.import_path');
    const isText = TEXT_TYPES.includes(dataset.info.type);
    if (req.label_format && isText) textLabelLayout(req.label_format);
    const choices: ImportChoices = {
      source: 'ImportTask',
      importType: type,
      importAnnotations: req.import_annotations ?? true,
      importSamples: req.import_samples ?? true,
      finalAnnotation: req.final_annotation ?? true,
      difficultOnly: req.difficult_only ?? false,
      includedLabels: (req.included_labels ?? []).flatMap((l) => (l.name ? [l.name] : [])),
      excludedLabels: (req.excluded_labels ?? []).flatMap((l) => (l.name ? [l.name] : [])),
      ...(isText ? { labelFormat: req.label_format ?? dataset.labelFormat } : {}),
      ...(req.import_folder !== undefined ? { importFolder: req.import_folder } : {}),
    };
    if (choices.labelFormat === undefined) delete choices.labelFormat;
    const id = `${dataset.id}_${shortId()}`;
    await this.deps.records.create({
      id,
      datasetId: dataset.id,
      projectId,
      importPath: formatObsPath(path),
      importType: type === 'dir' ? 0 : 1,
      options: { ...choices },
    });
    const queued = await this.deps.tasks.enqueue(this.deps.run, { importId: id }, { projectId });
    await this.deps.store.update(id, { queue_task_id: queued });
    return { task_id: id };
  }
}
