import type { Static } from 'typebox';
import type {
  BatchResult,
  DeleteLabelQuery,
  DeleteLabelsQuery,
  DeleteSamplesRequest,
  DescribeSampleQuery,
  DescribeSampleResp,
  LabelNameQuery,
  LabelsRequest,
  ListLabelsQuery,
  ListLabelsResponse,
  ListSamplesQuery,
  ListSamplesResponse,
  ListSearchResponse,
  MetricsQuery,
  MetricsResponse,
  StatsQuery,
  StatsResponse,
  UpdateLabelRequest,
  UpdateSamplesRequest,
  UploadSamplesRequest,
  UploadSamplesResponse,
} from '#src/modules/samples/schemas.ts';
import type { HttpClient } from '../http-client.ts';

const base = '/v2/{project_id}/datasets/{dataset_id}/data-annotations';

/** Samples, labels, manual labeling, dataset statistics and metrics. */
export const samplesClient = (http: HttpClient) => ({
  http,
  list: (datasetId: string, query: Partial<Static<typeof ListSamplesQuery>> = {}) =>
    http.call<Static<typeof ListSamplesResponse>>('GET', `${base}/samples`, { params: { dataset_id: datasetId }, query }),
  upload: (datasetId: string, body: Static<typeof UploadSamplesRequest>) =>
    http.call<Static<typeof UploadSamplesResponse>>('POST', `${base}/samples`, { params: { dataset_id: datasetId }, body }),
  delete: (datasetId: string, body: Static<typeof DeleteSamplesRequest>) =>
    http.call<Static<typeof BatchResult>>('POST', `${base}/samples/delete`, { params: { dataset_id: datasetId }, body }),
  describe: (datasetId: string, sampleId: string, query: Static<typeof DescribeSampleQuery> = {}) =>
    http.call<Static<typeof DescribeSampleResp>>('GET', `${base}/samples/{sample_id}`, { params: { dataset_id: datasetId, sample_id: sampleId }, query }),
  searchConditions: (datasetId: string) =>
    http.call<Static<typeof ListSearchResponse>>('GET', `${base}/search-condition`, { params: { dataset_id: datasetId } }),
  updateLabels: (datasetId: string, body: Static<typeof UpdateSamplesRequest>) =>
    http.call<Static<typeof BatchResult>>('PUT', `${base}/samples`, { params: { dataset_id: datasetId }, body }),

  listLabels: (datasetId: string, query: Partial<Static<typeof ListLabelsQuery>> = {}) =>
    http.call<Static<typeof ListLabelsResponse>>('GET', `${base}/labels`, { params: { dataset_id: datasetId }, query }),
  createLabels: (datasetId: string, body: Static<typeof LabelsRequest>) =>
    http.call<Static<typeof BatchResult>>('POST', `${base}/labels`, { params: { dataset_id: datasetId }, body }),
  modifyLabels: (datasetId: string, body: Static<typeof LabelsRequest>) =>
    http.call<Static<typeof BatchResult>>('PUT', `${base}/labels`, { params: { dataset_id: datasetId }, body }),
  deleteLabels: (datasetId: string, body: Static<typeof LabelsRequest>, query: Static<typeof DeleteLabelsQuery> = {}) =>
    http.call<Static<typeof BatchResult>>('POST', `${base}/labels/delete`, { params: { dataset_id: datasetId }, body, query }),
  updateLabel: (datasetId: string, labelName: string, body: Static<typeof UpdateLabelRequest>, query: Static<typeof LabelNameQuery> = {}) =>
    http.call<undefined>('PUT', `${base}/labels/{label_name}`, { params: { dataset_id: datasetId, label_name: labelName }, body, query }),
  deleteLabel: (datasetId: string, labelName: string, query: Static<typeof DeleteLabelQuery> = {}) =>
    http.call<undefined>('DELETE', `${base}/labels/{label_name}`, { params: { dataset_id: datasetId, label_name: labelName }, query }),

  stats: (datasetId: string, query: Static<typeof StatsQuery> = {}) =>
    http.call<Static<typeof StatsResponse>>('GET', `${base}/stats`, { params: { dataset_id: datasetId }, query }),
  metrics: (datasetId: string, query: Static<typeof MetricsQuery>) =>
    http.call<Static<typeof MetricsResponse>>('GET', '/v2/{project_id}/datasets/{dataset_id}/metrics', { params: { dataset_id: datasetId }, query }),
});
