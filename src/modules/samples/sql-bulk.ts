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

function placeholders(dialect: DialectName, rows: number, columns: number): string {
  const key = `${dialect}:${rows}:${columns}`;
  let text = texts.get(key);
  if (text === undefined) {
    const parts: string[] = [];
    let n = 0;
    for (let r = 0; r < rows; r++) {
      const cells: string[] = [];
      for (let c = 0; c < columns; c++) cells.push(dialect === 'postgres' ? `$${++n}` : '?');
      parts.push(`(${cells.join(',')})`);
    }
    text = parts.join(',');
    if (texts.size > 200) texts.clear();
    texts.set(key, text);
  }
  return text;
}

/** Rows per statement for a table of this many columns. */
export const chunkRows = (columns: number): number => Math.max(1, Math.min(MAX_ROWS, Math.floor(MAX_PARAMS / columns)));

/**
 * `insert into <table> (<columns>) values (...),(...) <tail>` in chunks; returns the rows the tail's
 * RETURNING clause gave, if any.
 */
export async function bulkInsert<R = unknown>(
  db: Kysely<Tables>,
  dialect: DialectName,
  table: string,
  columns: readonly string[],
  rows: readonly SqlValue[][],
  tail = '',
): Promise<R[]> {
  const out: R[] = [];
  const size = chunkRows(columns.length);
  for (let i = 0; i < rows.length; i += size) {
    const chunk = rows.slice(i, i + size);
    const text = `insert into ${table} (${columns.join(',')}) values ${placeholders(dialect, chunk.length, columns.length)} ${tail}`;
    const r = await db.executeQuery<R>(CompiledQuery.raw(text, chunk.flat()));
    out.push(...r.rows);
  }
  return out;
}

/** `?` or `$n` placeholders for a list of n values starting after `offset` others. */
export function inList(dialect: DialectName, n: number, offset = 0): string {
  return Array.from({ length: n }, (_, i) => (dialect === 'postgres' ? `$${offset + i + 1}` : '?')).join(',');
}
