// Text classification files: every non-blank line of a .txt/.csv file is one sample, its text carried
// as a `content://` source (the manifest form for text). Labels sit on the same line after the sample
// separator, or on the same line number of the `<name>_result.txt` file beside it.
import type { NewSample, SampleLabel } from './sample-records.ts';
import { ObjectNotFoundError, type ObjectInfo, type ObjectStore } from '#src/storage/object-store.ts';
import { RESULT_SUFFIX, splitLabels, splitTextLine, type TextLabelLayout } from './label-format.ts';
import { CONTENT_SCHEME } from './sample-paths.ts';
import { readLines } from './text-lines.ts';

export interface TextFileOptions {
  layout: TextLabelLayout;
  importAnnotations: boolean;
  labelType: number;
  signal?: AbortSignal;
}

/** Whether the key is a `_result` label file of the separate-files layout. */
export function isResultFile(key: string): boolean {
  const dot = key.lastIndexOf('.');
  const stem = dot > key.lastIndexOf('/') ? key.slice(0, dot) : key;
  return stem.endsWith(RESULT_SUFFIX);
}

/** `dir/abc.txt` -> `dir/abc_result.txt` (the extension kept). */
export function resultFileKey(key: string): string {
  const dot = key.lastIndexOf('.');
  return dot > key.lastIndexOf('/') ? `${key.slice(0, dot)}${RESULT_SUFFIX}${key.slice(dot)}` : `${key}${RESULT_SUFFIX}`;
}

/** The labels of each line of a `_result` file, by line number; nothing when the file is missing. */
async function* resultLines(store: ObjectStore, bucket: string, key: string, opts: TextFileOptions): AsyncGenerator<{ line: number; labels: string[] }> {
  try {
    for await (const { line, text } of readLines(store, { bucket, key }, { allowGbk: true, signal: opts.signal })) {
      yield { line, labels: splitLabels(text, opts.layout.labelSeparator) };
    }
  } catch (e) {
    if (!(e instanceof ObjectNotFoundError)) throw e;
  }
}

function labelsOf(names: string[], type: number): SampleLabel[] {
  return names.map((name) => ({ name, type, annotated_by: 'human' }));
}

/** The samples of one text file, line by line (the file is streamed, never read whole). */
export async function* textFileSamples(store: ObjectStore, bucket: string, file: ObjectInfo, opts: TextFileOptions): AsyncGenerator<NewSample> {
  const name = file.key.slice(file.key.lastIndexOf('/') + 1);
  const sampleTime = file.lastModified.getTime();
  const results = opts.importAnnotations && opts.layout.separateFiles ? resultLines(store, bucket, resultFileKey(file.key), opts) : undefined;
  let pending: { line: number; labels: string[] } | undefined;
  let resultsDone = false;
  try {
    for await (const { line, text } of readLines(store, { bucket, key: file.key }, { allowGbk: true, signal: opts.signal })) {
      let content = text;
      let names: string[] = [];
      if (opts.layout.separateFiles) {
        // Row n of the label file labels row n of the text file; a shorter label file leaves the rest unlabeled.
        while (results && !resultsDone && (pending === undefined || pending.line < line)) {
          const r = await results.next();
          if (r.done) resultsDone = true;
          else pending = r.value;
        }
        if (pending?.line === line) names = pending.labels;
      } else {
        const split = splitTextLine(text, opts.layout);
        content = split.text;
        if (opts.importAnnotations) names = split.labels;
      }
      if (content.trim() === '') continue;
      const sample: NewSample = { source: `${CONTENT_SCHEME}${content}`, name, size: Buffer.byteLength(content, 'utf8'), sampleTime };
      if (names.length > 0) sample.labels = labelsOf(names, opts.labelType);
      yield sample;
    }
  } finally {
    await results?.return(undefined);
  }
}
