// CSV for table datasets (published versions, exports): RFC 4180 quoting, an optional header, rows
// streamed into the object store.
import { Readable } from 'node:stream';
import type { ObjectInfo, ObjectStore } from '#src/storage/object-store.ts';
import type { ObjectPath } from '#src/storage/obs-path.ts';

export type CsvCell = string | number | boolean | null | undefined;

const FORMULA_START = /^[=+\-@]/;

/**
 * One cell. Text that a spreadsheet would run as a formula (starting with =, +, - or @) gets a leading
 * Tab and is quoted, as the guide says published CSV files do; numbers, negative ones included, are
 * written as they are.
 */
export function csvCell(value: CsvCell): string {
  if (value === null || value === undefined) return '';
  if (typeof value !== 'string') return String(value);
  let s = value;
  const formula = FORMULA_START.test(s) && !Number.isFinite(Number(s));
  if (formula) s = `\t${s}`;
  return formula || /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** One CSV line with its CRLF end (RFC 4180). */
export function csvLine(cells: readonly CsvCell[]): string {
  return `${cells.map(csvCell).join(',')}\r\n`;
}

/** Writes rows (and the header first, when given) to `path`, streamed. Returns the stored object's info. */
export async function writeCsv(store: ObjectStore, path: ObjectPath, rows: AsyncIterable<readonly CsvCell[]>, header?: readonly string[]): Promise<ObjectInfo> {
  async function* body(): AsyncGenerator<Buffer> {
    if (header) yield Buffer.from(csvLine(header), 'utf8');
    for await (const row of rows) yield Buffer.from(csvLine(row), 'utf8');
  }
  return store.put(path.bucket, path.key, Readable.from(body()), { contentType: 'text/csv' });
}
