// Scanning an OBS folder into samples, with the annotation layouts of the guide's "importing data
// from an OBS directory": folder-per-label and .txt label files (image classification), PASCAL VOC
// .xml beside each image (object detection), labels in or beside text files (text classification),
// folder-per-label (sound classification). Other dataset types take the files alone.
//
// The folder is listed flat, page after page, in key order. A file and its label file share a stem
// ("dir/a.jpg", "dir/a.xml"), and every key starting with "dir/a." is contiguous in key order, so a
// stem's group is complete as soon as a key outside "dir/a." arrives: only the open groups (nested
// stems such as "a" and "a.b") wait in memory, never the folder.
import type { DatasetTypeInfo } from './dataset-types.ts';
import { acceptsFile } from './dataset-types.ts';
import type { NewSample, SampleLabel } from './sample-records.ts';
import type { ObjectInfo, ObjectStore } from '#src/storage/object-store.ts';
import { MAX_LIST_KEYS } from '#src/storage/object-store.ts';
import { ApiError } from '#src/core/errors.ts';
import { FormatError } from './format-error.ts';
import { checkObjectPath, formatObsPath, keyProblem, type ObjectPath } from '#src/storage/obs-path.ts';
import { splitLabels, textLabelLayout, type LabelFormat } from './label-format.ts';
import { asFolderKey, extensionOf, fileNameOf, folderOf, stemOf } from './sample-paths.ts';
import { isResultFile, textFileSamples } from './text-samples.ts';
import { readVoc } from './voc.ts';
import { vocToSampleParts } from './voc-labels.ts';

export interface ScanOptions {
  /** Read labels from the layout; false: every file is an unlabeled sample. */
  importAnnotations: boolean;
  /** Text classification only: where labels sit (see LabelFormat). */
  labelFormat?: LabelFormat;
  /** Samples per yielded batch (default 500). */
  batchSize?: number;
  /** Keys per listing page (1..1000, default 1000). */
  pageSize?: number;
  signal?: AbortSignal;
  /**
   * A file that cannot be imported as it is: a label file unreadable or malformed (its samples come
   * without labels), a text file that stops being readable (its lines up to there are kept), a key
   * the store refuses. Without it, such a file fails the whole scan.
   */
  onFileError?: (file: string, reason: string) => void;
  /** Each data file the scan turns into samples (for counts). */
  onFile?: (file: ObjectInfo) => void;
}

export const DEFAULT_BATCH_SIZE = 500;

/** Why a file could not be read, for a person: the format's own message, or the system's reason. */
export function fileProblem(e: unknown): string {
  if (e instanceof FormatError) return e.problem;
  if (e instanceof ApiError) return e.message;
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  if (code) return `cannot be read (${code})`;
  return e instanceof Error ? e.message : String(e);
}
/** Image classification .txt label files are a few names; a larger one is refused. */
const MAX_LABEL_TXT_BYTES = 1024 * 1024;

/** How a dataset type reads the folder. */
type Layout =
  | { kind: 'files' }
  | { kind: 'folder-labels'; labelType: number }
  | { kind: 'siblings'; labelType: number; labelExtension: '.txt' | '.xml'; folderLabels: boolean }
  | { kind: 'text-lines'; labelType: number };

function layoutOf(info: DatasetTypeInfo, importAnnotations: boolean): Layout {
  const labelType = info.labelTypes[0] ?? info.type;
  // Text classification files are read line by line whether or not their labels are kept.
  if (info.type === 100) return { kind: 'text-lines', labelType };
  if (!importAnnotations) return { kind: 'files' };
  switch (info.type) {
    case 0:
      return { kind: 'siblings', labelType, labelExtension: '.txt', folderLabels: true };
    case 1:
      return { kind: 'siblings', labelType, labelExtension: '.xml', folderLabels: false };
    case 200:
      return { kind: 'folder-labels', labelType };
    // The guide gives these types no folder layout for labels (manifests only).
    case 3:
    case 101:
    case 102:
    case 201:
    case 202:
    case 400:
    case 600:
    case 900:
      return { kind: 'files' };
  }
}

/** A file and the label file of the same stem, gathered while the listing is inside "dir/stem.". */
interface StemGroup {
  /** "dir/stem." */
  prefix: string;
  samples: ObjectInfo[];
  labelFile?: ObjectInfo;
}

/**
 * The samples of the folder `root` for a dataset of type `info`, in batches of at most batchSize.
 * Keys the store refuses (`..`, control characters, backslashes) and folder markers are skipped; a
 * malformed label file is a FormatError (400 ModelArts.4362) naming it, or, with onFileError, is
 * reported there and its samples come unlabeled; an unsafe root is a 400 (ModelArts.0104). A
 * missing folder gives nothing. Throws the signal's reason when aborted (checked between pages and
 * batches).
 */
export async function* scanDirectory(store: ObjectStore, root: ObjectPath, info: DatasetTypeInfo, opts: ScanOptions): AsyncGenerator<NewSample[]> {
  checkObjectPath(root.bucket, root.key, 'path');
  const layout = layoutOf(info, opts.importAnnotations);
  const textLayout = layout.kind === 'text-lines' ? textLabelLayout(opts.labelFormat) : undefined;
  const batchSize = Math.max(1, opts.batchSize ?? DEFAULT_BATCH_SIZE);
  const prefix = asFolderKey(root.key);
  const { bucket } = root;
  const signal = opts.signal;
  let batch: NewSample[] = [];
  const groups: StemGroup[] = [];
  const onFileError = opts.onFileError;
  /** Runs a read of `file`; a failure goes to onFileError when there is one (undefined comes back), else up. */
  const reading = async <T>(file: string, read: () => Promise<T>): Promise<T | undefined> => {
    if (!onFileError) return read();
    try {
      return await read();
    } catch (e) {
      if (signal?.aborted) throw e;
      onFileError(file, fileProblem(e));
      return undefined;
    }
  };

  const fileSample = (o: ObjectInfo): NewSample => ({
    source: formatObsPath(bucket, o.key),
    name: fileNameOf(o.key),
    size: o.size,
    sampleTime: o.lastModified.getTime(),
  });

  /** The last folder between the root and the file: its label in the folder-per-label layouts. */
  const folderLabel = (key: string, labelType: number): SampleLabel[] | undefined => {
    const rel = folderOf(key).slice(prefix.length).replace(/\/$/, '');
    if (rel === '') return undefined;
    return [{ name: rel.slice(rel.lastIndexOf('/') + 1), type: labelType, annotated_by: 'human' }];
  };

  const closeGroup = async (g: StemGroup): Promise<NewSample[]> => {
    if (layout.kind !== 'siblings') return [];
    let labels: SampleLabel[] | undefined;
    let metadata: Record<string, unknown> | undefined;
    if (g.labelFile && g.samples.length > 0) {
      const path = { bucket, key: g.labelFile.key };
      if (layout.labelExtension === '.xml') {
        const parts = await reading(formatObsPath(path), async () => vocToSampleParts(await readVoc(store, path), layout.labelType));
        labels = parts?.labels;
        metadata = parts?.metadata;
      } else {
        const text = await reading(formatObsPath(path), () => store.readText(bucket, path.key, MAX_LABEL_TXT_BYTES));
        if (text !== undefined) labels = splitLabels(text.replace(/\r/g, ''), '\n').map((name) => ({ name, type: layout.labelType, annotated_by: 'human' }));
      }
    }
    return g.samples.map((o) => {
      const s = fileSample(o);
      const l = labels ?? (layout.folderLabels ? folderLabel(o.key, layout.labelType) : undefined);
      if (l && l.length > 0) s.labels = l.map((x) => ({ ...x }));
      if (metadata && Object.keys(metadata).length > 0) s.metadata = { ...metadata };
      return s;
    });
  };

  /** Closes the groups the key is not inside; they come out in key order. */
  const closeGroupsBefore = async (key: string | undefined): Promise<NewSample[]> => {
    const out: NewSample[] = [];
    while (groups.length > 0 && (key === undefined || !key.startsWith(groups[groups.length - 1]!.prefix))) {
      out.unshift(...(await closeGroup(groups.pop()!)));
    }
    return out;
  };

  const groupOf = (key: string): StemGroup => {
    const groupPrefix = `${folderOf(key)}${stemOf(fileNameOf(key))}.`;
    const top = groups[groups.length - 1];
    if (top?.prefix === groupPrefix) return top;
    const g: StemGroup = { prefix: groupPrefix, samples: [] };
    groups.push(g);
    return g;
  };

  /** The samples a listed object gives now (label-paired ones come when their group closes). */
  async function* samplesOf(o: ObjectInfo): AsyncGenerator<NewSample> {
    const name = fileNameOf(o.key);
    switch (layout.kind) {
      case 'files':
        if (acceptsFile(info, name)) {
          opts.onFile?.(o);
          yield fileSample(o);
        }
        return;
      case 'folder-labels': {
        if (!acceptsFile(info, name)) return;
        opts.onFile?.(o);
        const s = fileSample(o);
        const labels = folderLabel(o.key, layout.labelType);
        if (labels) s.labels = labels;
        yield s;
        return;
      }
      case 'text-lines': {
        if (!acceptsFile(info, name) || (textLayout!.separateFiles && isResultFile(o.key))) return;
        opts.onFile?.(o);
        const lines = textFileSamples(store, bucket, o, {
          layout: textLayout!,
          importAnnotations: opts.importAnnotations,
          labelType: layout.labelType,
          signal,
        });
        if (!onFileError) {
          yield* lines;
          return;
        }
        // Lines read before a problem are kept; the report says where the file stopped being readable.
        try {
          yield* lines;
        } catch (e) {
          if (signal?.aborted) throw e;
          onFileError(formatObsPath(bucket, o.key), fileProblem(e));
        }
        return;
      }
      case 'siblings': {
        yield* await closeGroupsBefore(o.key);
        // A stem without a dot ('README') has no group: it can neither carry nor be a label file.
        if (stemOf(name) === name) {
          if (acceptsFile(info, name)) {
            opts.onFile?.(o);
            yield* await closeGroup({ prefix: '', samples: [o] });
          }
          return;
        }
        if (acceptsFile(info, name)) {
          opts.onFile?.(o);
          groupOf(o.key).samples.push(o);
        } else if (extensionOf(name) === layout.labelExtension) groupOf(o.key).labelFile = o;
        return;
      }
    }
  }

  let token: string | undefined;
  do {
    signal?.throwIfAborted();
    const page = await store.list(bucket, {
      prefix,
      maxKeys: opts.pageSize ?? MAX_LIST_KEYS,
      ...(token ? { continuationToken: token } : {}),
    });
    for (const o of page.objects) {
      // Folder markers, and keys the store would refuse to read (written to disk by other means).
      if (o.key.endsWith('/')) continue;
      const problem = keyProblem(o.key);
      if (problem !== undefined) {
        // Reported when it would have been a sample; other files are not the dataset's business.
        if (acceptsFile(info, fileNameOf(o.key))) onFileError?.(`/${bucket}/${o.key}`, `skipped: the name ${problem}`);
        continue;
      }
      for await (const s of samplesOf(o)) {
        batch.push(s);
        if (batch.length >= batchSize) {
          signal?.throwIfAborted();
          yield batch;
          batch = [];
        }
      }
    }
    token = page.nextContinuationToken;
  } while (token);
  batch.push(...(await closeGroupsBefore(undefined)));
  while (batch.length > 0) {
    signal?.throwIfAborted();
    yield batch.slice(0, batchSize);
    batch = batch.slice(batchSize);
  }
}
