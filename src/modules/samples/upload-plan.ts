// What one item of an upload batch (#13) names: an inline file to write, or a file given by path;
// checked on its own, so a bad item fails alone.
import { errors, type ApiError } from '#src/core/errors.ts';
import type { DatasetRecord } from '#src/modules/datasets/index.ts';
import { acceptsFile } from '#src/formats/dataset-types.ts';
import type { NewSample } from '#src/formats/sample-records.ts';
import { checkObjectKey, formatObsPath, joinKey, parseObsPath, type ObjectPath } from '#src/storage/obs-path.ts';
import type { BatchItem } from './batch-items.ts';
import type { UploadSample } from './schemas.ts';
import { sampleErrors } from './errors.ts';

/** The guide's limits for one uploaded file, by sample type; the batch as a whole takes 8 MB. */
const MB = 1024 * 1024;
const FILE_LIMITS: Record<number, number> = { 0: 5 * MB, 2: 4 * MB };
const DEFAULT_FILE_LIMIT = 8 * MB;
export const BATCH_DATA_LIMIT = 8 * MB;

/** No path separators, no "." or "..", none of the characters the spec forbids: ! < > = & " ' */
const NAME_FORBIDDEN = /[!<>=&"'/\\\p{Cc}]/u;
// Flat character classes only: a repeated group would backtrack through megabytes of data.
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const BASE64URL = /^[A-Za-z0-9_-]*$/;

export interface UploadItem extends BatchItem {
  input: UploadSample;
  /** `body.samples[i]` */
  field: string;
  /** Object path of the sample file, once known. */
  path?: ObjectPath;
  source?: string;
  name?: string;
  size: number;
  sampleTime: number;
  /** Inline content to write; undefined for a file named by path. */
  data?: Buffer;
  /** Set once this request created the file (create-only): only then may it remove it. */
  written: boolean;
  /** The insert found the source already a sample: the file is in use, whoever wrote it. */
  taken: boolean;
  /** Text classification: the line samples of the file (read after it is written). */
  lines?: NewSample[];
  /** Ids of the samples the item became. */
  ids: string[];
}

export function uploadItems(samples: readonly UploadSample[]): UploadItem[] {
  return samples.map((input, index) => ({ index, input, field: `body.samples[${index}]`, size: 0, sampleTime: 0, written: false, taken: false, ids: [] }));
}

/** Standard base64 (padded) or base64url (unpadded); anything else is a 400 naming the field. */
export function decodeBase64(data: string, field: string): Buffer {
  const padded = data.length % 4 === 0 && BASE64.test(data) && !/=[^=]/.test(data);
  if (!padded && (!BASE64URL.test(data) || data.length % 4 === 1)) throw errors.badParam(`${field} must be base64 data`);
  return Buffer.from(data, padded ? 'base64' : 'base64url');
}

export function checkSampleName(name: string, field: string): void {
  if (name === '' || name === '.' || name === '..' || NAME_FORBIDDEN.test(name)) {
    throw errors.badParam(`${field} must be a file name without / \\ ! < > = & " ' or control characters`);
  }
}

function badExtension(dataset: DatasetRecord, field: string, name: string): ApiError {
  return errors.badParam(`${field}: "${name}" is not a file a ${dataset.info.tags.join(' ')} dataset takes (${dataset.info.extensions.join(', ')})`);
}

/** Where inline files go: the dataset's input folder, as the console does, else <work folder>/data/. */
export function uploadFolder(dataset: DatasetRecord): ObjectPath {
  const input = dataset.inputPaths[0];
  if (input) return { bucket: input.bucket, key: input.key === '' || input.key.endsWith('/') ? input.key : `${input.key}/` };
  const base = dataset.innerPath ?? dataset.workPath;
  return { bucket: base.bucket, key: joinKey(base.key, 'data/') };
}

/**
 * Reads one item: for inline data its decoded content and target path in `folder`; for a file named
 * by path that path (its existence is asked later, for many at once). Throws the item's ApiError.
 */
export function planItem(dataset: DatasetRecord, folder: ObjectPath, item: UploadItem, now: number): void {
  const { input: s, field } = item;
  if (s.sample_type !== undefined && s.sample_type !== dataset.info.sampleType && dataset.info.type !== 900) {
    throw errors.badParam(`${field}.sample_type: a dataset of type ${dataset.info.type} holds samples of type ${dataset.info.sampleType}`);
  }
  const dataPath = s.data_source?.data_path;
  if ((s.data === undefined) === (dataPath === undefined)) throw errors.badParam(`${field} needs either data or data_source.data_path`);
  if (s.data !== undefined) {
    const name = s.name ?? '';
    checkSampleName(name, `${field}.name`);
    if (!acceptsFile(dataset.info, name)) throw badExtension(dataset, `${field}.name`, name);
    let data = decodeBase64(s.data, `${field}.data`);
    if (s.encoding && s.encoding !== 'UTF-8') data = Buffer.from(new TextDecoder(s.encoding.toLowerCase()).decode(data), 'utf8');
    const limit = FILE_LIMITS[dataset.info.sampleType] ?? DEFAULT_FILE_LIMIT;
    if (data.length > limit) throw sampleErrors.tooLarge(`${field}.data: ${data.length} bytes, the limit is ${limit}`);
    const target = { bucket: folder.bucket, key: joinKey(folder.key, name) };
    checkObjectKey(target.bucket, target.key, `${field}.name`);
    Object.assign(item, { path: target, source: formatObsPath(target), name, size: data.length, sampleTime: now, data });
    return;
  }
  if ((s.data_source?.data_type ?? 0) !== 0) throw errors.badParam(`${field}.data_source.data_type: only 0 (OBS) is served here`);
  const p = parseObsPath(dataPath!, `${field}.data_source.data_path`);
  if (p.key === '' || p.key.endsWith('/')) throw errors.badParam(`${field}.data_source.data_path must name a file, not a folder`);
  const name = s.name ?? p.key.slice(p.key.lastIndexOf('/') + 1);
  checkSampleName(name, `${field}.name`);
  if (!acceptsFile(dataset.info, p.key)) throw badExtension(dataset, `${field}.data_source.data_path`, p.key);
  Object.assign(item, { path: p, source: formatObsPath(p), name });
}

/** The name results[] give an item: its object path, else what the request named. */
export function resultName(item: UploadItem): string | undefined {
  return item.source ?? item.input.data_source?.data_path ?? item.input.name;
}
