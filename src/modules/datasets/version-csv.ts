// A table dataset's version as one CSV: the rows of every sample file, one after another, with the
// column names first when asked. Files are streamed; only a header line is ever held.
import { StringDecoder } from 'node:string_decoder';
import type { ObjectStore } from '#src/storage/object-store.ts';
import { parseObsPath } from '#src/storage/obs-path.ts';
import type { SnapshotSample } from '#src/formats/sample-records.ts';

export interface CsvOptions {
  /** The sample files start with a line of column names (the data source's with_column_header). */
  sourceHasHeader: boolean;
  /** Column names to write first: from the schema, or undefined to take the first file's own header. */
  columns?: string[];
  /** Write a header line (the request's with_column_header). */
  writeHeader: boolean;
}

/** A CSV field, quoted when it holds a separator, a quote or a line break. */
export function csvField(s: string): string {
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/**
 * Splits off the first record of a CSV text: up to the first line break outside double quotes
 * (an escaped quote "" toggles twice, so it needs no special case). -1 when the record is not complete.
 */
export function endOfFirstRecord(text: string, inQuotes: boolean): { end: number; inQuotes: boolean } {
  let quoted = inQuotes;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 34) quoted = !quoted;
    else if (c === 10 && !quoted) return { end: i + 1, inQuotes: false };
  }
  return { end: -1, inQuotes: quoted };
}

/** The text of one sample file, without its header record when it has one; always ends with a line break. */
async function* fileRows(store: ObjectStore, source: string, skipHeader: boolean, onHeader: (h: string) => void): AsyncGenerator<string> {
  const p = parseObsPath(source, 'sample source');
  const stream = await store.get(p.bucket, p.key);
  const decoder = new StringDecoder('utf8');
  let skipping = skipHeader;
  let header = '';
  let inQuotes = false;
  let last = '\n';
  const emit = function* (text: string): Generator<string> {
    if (text === '') return;
    last = text[text.length - 1]!;
    yield text;
  };
  for await (const chunk of stream) {
    let text = decoder.write(chunk as Buffer);
    if (skipping) {
      const r = endOfFirstRecord(text, inQuotes);
      if (r.end < 0) {
        inQuotes = r.inQuotes;
        header += text;
        continue;
      }
      header += text.slice(0, r.end);
      text = text.slice(r.end);
      skipping = false;
      onHeader(header.replace(/\r?\n$/, ''));
    }
    yield* emit(text);
  }
  if (skipping && header !== '') onHeader(header.replace(/\r?\n$/, ''));
  yield* emit(decoder.end());
  if (last !== '\n') yield '\n';
}

export async function* csvRows(store: ObjectStore, samples: AsyncIterable<SnapshotSample>, opts: CsvOptions, signal: AbortSignal): AsyncGenerator<string> {
  let headerWritten = false;
  if (opts.writeHeader && opts.columns) {
    yield `${opts.columns.map(csvField).join(',')}\n`;
    headerWritten = true;
  }
  for await (const s of samples) {
    signal.throwIfAborted();
    let pendingHeader: string | undefined;
    const rows = fileRows(store, s.source, opts.sourceHasHeader, (h) => {
      pendingHeader = h;
    });
    for await (const text of rows) {
      // Without a schema the first file's own header line names the columns.
      if (opts.writeHeader && !headerWritten && pendingHeader !== undefined) {
        yield `${pendingHeader}\n`;
        headerWritten = true;
      }
      yield text;
    }
  }
}
