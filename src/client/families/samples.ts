import type { OperationBody, OperationQuery } from '#src/core/operation.ts';
import { sampleOperations as ops } from '#src/modules/samples/operations.ts';
import type { HttpClient } from '../http-client.ts';

/** Samples, labels, manual labeling, dataset statistics and metrics. */
export const samplesClient = (http: HttpClient) => ({
  http,
  list: (datasetId: string, query: OperationQuery<typeof ops.ListSamples> = {}) => http.op(ops.ListSamples, { params: { dataset_id: datasetId }, query }),
  upload: (datasetId: string, body: OperationBody<typeof ops.UploadSamplesJson>) => http.op(ops.UploadSamplesJson, { params: { dataset_id: datasetId }, body }),
  delete: (datasetId: string, body: OperationBody<typeof ops.DeleteSamples>) => http.op(ops.DeleteSamples, { params: { dataset_id: datasetId }, body }),
  describe: (datasetId: string, sampleId: string, query: OperationQuery<typeof ops.DescribeSample> = {}) =>
    http.op(ops.DescribeSample, { params: { dataset_id: datasetId, sample_id: sampleId }, query }),
  searchConditions: (datasetId: string) => http.op(ops.ListSearch, { params: { dataset_id: datasetId } }),
  updateLabels: (datasetId: string, body: OperationBody<typeof ops.UpdateSamples>) => http.op(ops.UpdateSamples, { params: { dataset_id: datasetId }, body }),

  listLabels: (datasetId: string, query: OperationQuery<typeof ops.ListLabels> = {}) => http.op(ops.ListLabels, { params: { dataset_id: datasetId }, query }),
  createLabels: (datasetId: string, body: OperationBody<typeof ops.CreateLabels>) => http.op(ops.CreateLabels, { params: { dataset_id: datasetId }, body }),
  modifyLabels: (datasetId: string, body: OperationBody<typeof ops.UpdateLabels>) => http.op(ops.UpdateLabels, { params: { dataset_id: datasetId }, body }),
  deleteLabels: (datasetId: string, body: OperationBody<typeof ops.DeleteLabels>, query: OperationQuery<typeof ops.DeleteLabels> = {}) =>
    http.op(ops.DeleteLabels, { params: { dataset_id: datasetId }, body, query }),
  updateLabel: (datasetId: string, labelName: string, body: OperationBody<typeof ops.UpdateLabel>, query: OperationQuery<typeof ops.UpdateLabel> = {}) =>
    http.op(ops.UpdateLabel, { params: { dataset_id: datasetId, label_name: labelName }, body, query }),
  deleteLabel: (datasetId: string, labelName: string, query: OperationQuery<typeof ops.DeleteLabelAndSamples> = {}) =>
    http.op(ops.DeleteLabelAndSamples, { params: { dataset_id: datasetId, label_name: labelName }, query }),

  stats: (datasetId: string, query: OperationQuery<typeof ops.GetDatasetStats> = {}) =>
    http.op(ops.GetDatasetStats, { params: { dataset_id: datasetId }, query }),
  metrics: (datasetId: string, query: OperationQuery<typeof ops.GetDatasetMetrics>) =>
    http.op(ops.GetDatasetMetrics, { params: { dataset_id: datasetId }, query }),
});
