// What an export request asks for, checked and kept with the task: which samples (the samples
// family's selection), how the manifest writes paths and hard marks, and the parameters to echo.
import { apiError } from '#src/core/errors.ts';
import type { SampleSelection, SampleStateFilter } from '#src/modules/samples/index.ts';
import { Value } from 'typebox/value';
import { ExportParams, ExportType, type ExportTaskRequest } from './export-schemas.ts';

export interface ExportChoices {
  selection: SampleSelection;
  clearHard: boolean;
  sourceScheme: 'obs://' | 's3://';
  /** export_params as the answers show it (the defaults filled in). */
  params: ExportParams;
  /** annotation_format COCO: the labels go into one COCO document instead of VOC files. */
  coco?: boolean;
  /** export_dest NEW_DATASET: the dataset to make of the exported folder, and its id once made. */
  newDataset?: {
    name: string;
    workPath: string;
    /** Set before the dataset is asked for: a later attempt then cannot tell whether an earlier one made it. */
    asked?: boolean;
    id?: string;
  };
}

const invalid = (detail: string) => apiError(400, 'ModelArts.4384', `(${detail})`);

/** The choices of a request; a value that cannot be served is a 400 naming its field. */
export function exportChoices(body: ExportTaskRequest): ExportChoices {
  // Fields the schema does not name are accepted and left out, so the answers (which echo the params) hold none.
  const given = Value.Clean(ExportParams, structuredClone(body.export_params ?? {})) as ExportParams;
  const params: ExportParams = { clear_hard_property: true, export_dest: 'DIR', ratio_sample_usage: false, train_sample_ratio: '1.00', ...given };
  let newDataset: ExportChoices['newDataset'];
  if (params.export_dest === 'NEW_DATASET') {
    if (!params.export_new_dataset_name) throw invalid('export_params.export_new_dataset_name is required with export_dest NEW_DATASET');
    if (!params.export_new_dataset_work_path) throw invalid('export_params.export_new_dataset_work_path is required with export_dest NEW_DATASET');
    newDataset = { name: params.export_new_dataset_name, workPath: params.export_new_dataset_work_path };
  }
  if (body.version_format !== undefined && body.version_format !== 'Default')
    throw invalid(`version_format: only Default is served, not ${body.version_format}`);
  const exportType = body.export_type ?? ExportType.all;
  const selection: SampleSelection = {};
  if (exportType === ExportType.labeled) selection.labeled = true;
  if (exportType === ExportType.unlabeled) selection.labeled = false;
  const state = (exportType === ExportType.search ? params.sample_state : undefined) || body.sample_state;
  if (state) selection.state = state as SampleStateFilter;
  if (exportType === ExportType.search) {
    if (params.samples !== undefined) selection.sampleIds = params.samples;
    if (params.search_conditions !== undefined) selection.conditions = params.search_conditions;
  }
  return {
    selection,
    clearHard: params.clear_hard_property !== false,
    sourceScheme: body.source_type_header ?? 'obs://',
    params,
    ...(newDataset ? { newDataset } : {}),
    ...(body.annotation_format === 'COCO' ? { coco: true } : {}),
  };
}
