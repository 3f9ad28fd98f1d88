// The object-store paths of a dataset: its input and work paths as the request gives them, and the
// folders the dataset keeps under its work path.
import { apiError, errors } from '#src/core/errors.ts';
import { formatObsPath, isInside, parseObsPath, type ObjectPath } from '#src/storage/obs-path.ts';

const MIN_WORK_PATH = 3;
const MAX_WORK_PATH = 700;

const asFolder = (p: ObjectPath): ObjectPath => (p.key.endsWith('/') ? p : { bucket: p.bucket, key: `${p.key}/` });

/** A folder below a bucket (never the bucket itself, ModelArts.4205), always ending with '/'. */
export function parseFolder(raw: string, field: string): ObjectPath {
  const p = parseObsPath(raw, field);
  if (p.key === '' || p.key === '/') throw apiError(400, 'ModelArts.4205', `(${field}: ${raw})`);
  return asFolder(p);
}

/** work_path: 3 to 700 characters, a folder below a bucket. */
export function parseWorkPath(raw: string): ObjectPath {
  if (raw.length > MAX_WORK_PATH) throw apiError(400, 'ModelArts.4350', `(body.work_path has ${raw.length} characters; at most ${MAX_WORK_PATH})`);
  if (raw.length < MIN_WORK_PATH) throw errors.badParam(`body.work_path must have ${MIN_WORK_PATH} to ${MAX_WORK_PATH} characters`);
  return parseFolder(raw, 'body.work_path');
}

/** The output path may be neither the input path nor a folder inside it. */
export function checkWorkOutsideInput(work: ObjectPath, input: ObjectPath): void {
  if (isInside(input, work)) {
    throw apiError(400, 'ModelArts.4374', `(body.work_path ${formatObsPath(work)} is the input path ${formatObsPath(input)} or inside it)`);
  }
}

/** The dataset's folders, as the spec's inner_* fields show them. */
export function innerFolders(innerPath: string) {
  return {
    inner_work_path: innerPath,
    inner_annotation_path: `${innerPath}annotation/`,
    inner_data_path: `${innerPath}data/`,
    inner_log_path: `${innerPath}logs/`,
    inner_temp_path: `${innerPath}temp/`,
    inner_task_path: `${innerPath}task/`,
  };
}

/** Where a version's files go: `<inner>/annotation/<version>/`. */
export function versionFolder(inner: ObjectPath, versionName: string): ObjectPath {
  return { bucket: inner.bucket, key: `${inner.key}annotation/${versionName}/` };
}
