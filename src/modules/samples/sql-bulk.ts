// Multi-row statements built once per shape: Kysely's builder costs more to compile a 500-row insert
// than the database takes to run it, and a fixed SQL text lets the statement cache reuse it.
import { CompiledQuery, type Kysely } from 'kysely';
import type { DialectName } from '#src/db/database.ts';
import type { Tables } from '#src/db/tables.ts';

export type SqlValue = string | number | null;

/** Stays well under SQLite's 32766 and PostgreSQL's 65535 bound parameters. */
const MAX_PARAMS = 16000;
const MAX_ROWS = 500;

const texts = new Map<string, string>();

/**
 * `insert into <table> (<columns>) values (...),... <tail>` for a number of rows. The same string is
 * handed out each time: the statement cache then finds it by a hash V8 keeps on the string, instead
 * of hashing and comparing tens of kilobytes of SQL per statement.
 */
function insertText(dialect: DialectName, table: string, columns: readonly string[], rows: number, tail: string): string {
  const key = `${dialect}:${table}:${columns.join(',')}:${rows}:${tail}`;
  let text = texts.get(key);
  if (text === undefined) {
    const parts: string[] = [];
    let n = 0;
    for (let r = 0; r < rows; r++) {
      const cells: string[] = [];
      for (let c = 0; c < columns.length; c++) cells.push(dialect === 'postgres' ? `$${++n}` : '?');
      parts.push(`(${cells.join(',')})`);
    }
    text = `insert into ${table} (${columns.join(',')}) values ${parts.join(',')} ${tail}`;
    if (texts.size > 200) texts.clear();
    texts.set(key, text);
  }
  return text;
}

/** Rows per statement for a table of this many columns. */
export const chunkRows = (columns: number): number => Math.max(1, Math.min(MAX_ROWS, Math.floor(MAX_PARAMS / columns)));

export interface BulkResult<R> {
  /** What the tail's RETURNING clause gave, if any. */
  rows: R[];
  /** Rows the statements inserted (or changed, with an upsert tail). */
  affected: number;
}

/**
 * `insert into <table> (<columns>) values (...),(...) <tail>` for n rows in chunks; `fill(i, out)`
 * pushes row i's values (columns order) onto `out`, so the bound values are built flat at once.
 */
export async function bulkInsertWith<R = unknown>(
  db: Kysely<Tables>,
  dialect: DialectName,
  table: string,
  columns: readonly string[],
  n: number,
  fill: (i: number, out: SqlValue[]) => void,
  tail = '',
): Promise<BulkResult<R>> {
  const out: BulkResult<R> = { rows: [], affected: 0 };
  const size = chunkRows(columns.length);
  for (let start = 0; start < n; start += size) {
    const rows = Math.min(size, n - start);
    const values: SqlValue[] = [];
    for (let i = start; i < start + rows; i++) fill(i, values);
    const r = await db.executeQuery<R>(CompiledQuery.raw(insertText(dialect, table, columns, rows, tail), values));
    for (const row of r.rows) out.rows.push(row);
    out.affected += Number(r.numAffectedRows ?? r.rows.length);
  }
  return out;
}

/** bulkInsert of rows given as arrays; returns the rows the tail's RETURNING clause gave, if any. */
export async function bulkInsert<R = unknown>(
  db: Kysely<Tables>,
  dialect: DialectName,
  table: string,
  columns: readonly string[],
  rows: readonly SqlValue[][],
  tail = '',
): Promise<R[]> {
  const fill = (i: number, out: SqlValue[]) => {
    for (const v of rows[i]!) out.push(v);
  };
  return (await bulkInsertWith<R>(db, dialect, table, columns, rows.length, fill, tail)).rows;
}

/** `?` or `$n` placeholders for a list of n values starting after `offset` others. */
export function inList(dialect: DialectName, n: number, offset = 0): string {
  return Array.from({ length: n }, (_, i) => (dialect === 'postgres' ? `$${offset + i + 1}` : '?')).join(',');
}
