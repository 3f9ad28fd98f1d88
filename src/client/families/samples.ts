import { clientPath, type OperationBody, type OperationQuery } from '#src/core/operation.ts';
import { sampleOperations as ops } from '#src/modules/samples/operations.ts';
import { ApiClientError, type HttpClient } from '../http-client.ts';

/** A thumbnail sheet as GetSampleSheet answers it (a 304 has no data: the caller's copy holds). */
export interface SampleSheetAnswer {
  status: 200 | 304;
  etag: string | null;
  /** Tiles a row, and the tiles left blank (200 only). */
  columns?: number;
  missing?: number[];
  data?: Buffer;
}

/** GetSampleSheet: its answer is an image, so it is read as bytes rather than through `op`. */
async function sampleSheet(
  http: HttpClient,
  datasetId: string,
  query: OperationQuery<typeof ops.GetSampleSheet>,
  ifNoneMatch?: string,
): Promise<SampleSheetAnswer> {
  const req = http.prepare(ops.GetSampleSheet.method, clientPath(ops.GetSampleSheet), {
    params: { dataset_id: datasetId },
    query,
    ...(ifNoneMatch ? { headers: { 'if-none-match': ifNoneMatch } } : {}),
  });
  const res = await fetch(req.url, { method: req.method, headers: req.headers });
  const etag = res.headers.get('etag');
  if (res.status === 304) return { status: 304, etag };
  if (res.status !== 200) {
    const text = await res.text();
    let b: { error_code?: string; error_msg?: string } = {};
    try {
      b = JSON.parse(text) as typeof b;
    } catch {
      // not JSON: the status tells
    }
    throw new ApiClientError(res.status, b.error_code, b.error_msg, res.headers.get('x-request-id'), b);
  }
  const missing = res.headers.get('x-atelier-sheet-missing') ?? '';
  return {
    status: 200,
    etag,
    columns: Number(res.headers.get('x-atelier-sheet-columns')),
    missing: missing === '' ? [] : missing.split(',').map(Number),
    data: Buffer.from(await res.arrayBuffer()),
  };
}

/** Samples, labels, manual labeling, dataset statistics and metrics. */
export const samplesClient = (http: HttpClient) => ({
  http,
  list: (datasetId: string, query: OperationQuery<typeof ops.ListSamples> = {}) => http.op(ops.ListSamples, { params: { dataset_id: datasetId }, query }),
  upload: (datasetId: string, body: OperationBody<typeof ops.UploadSamplesJson>) => http.op(ops.UploadSamplesJson, { params: { dataset_id: datasetId }, body }),
  delete: (datasetId: string, body: OperationBody<typeof ops.DeleteSamples>) => http.op(ops.DeleteSamples, { params: { dataset_id: datasetId }, body }),
  describe: (datasetId: string, sampleId: string, query: OperationQuery<typeof ops.DescribeSample> = {}) =>
    http.op(ops.DescribeSample, { params: { dataset_id: datasetId, sample_id: sampleId }, query }),
  sheet: (datasetId: string, query: OperationQuery<typeof ops.GetSampleSheet>, ifNoneMatch?: string) => sampleSheet(http, datasetId, query, ifNoneMatch),
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
