// The table of a list page: one row per item, its columns declared once, with the page's "loading",
// "nothing yet" and pager around it, so every list reads and behaves the same.
import type { ReactNode, TdHTMLAttributes } from 'react';

export interface Column<T> {
  /** The column's heading; read by screen readers only when `hideHeader` (an actions column). */
  header: string;
  hideHeader?: boolean;
  cell: (row: T) => ReactNode;
  /** Attributes of each cell, e.g. aria-live on a status that changes while the page polls. */
  cellProps?: (row: T) => TdHTMLAttributes<HTMLTableCellElement>;
}

export function ListTable<T>(props: {
  /** The rows, or undefined while the list has not answered yet. */
  rows: readonly T[] | undefined;
  loading: boolean;
  columns: readonly Column<T>[];
  rowKey: (row: T) => string;
  /** What shows when the list answered with no rows (nothing when not given). */
  empty?: ReactNode;
  /** Under the table (a pager), shown only with rows. */
  footer?: ReactNode;
  /** The table's accessible name, when the page holds more than one list. */
  label?: string;
}) {
  const { rows, columns } = props;
  if (props.loading) return <p className="muted">Loading…</p>;
  if (!rows) return null;
  if (rows.length === 0) return props.empty ? <p className="notice">{props.empty}</p> : null;
  return (
    <>
      <table aria-label={props.label}>
        <thead>
          <tr>
            {columns.map((c) => (
              <th scope="col" key={c.header}>
                {c.hideHeader ? <span className="visually-hidden">{c.header}</span> : c.header}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={props.rowKey(row)}>
              {columns.map((c) => (
                <td key={c.header} {...c.cellProps?.(row)}>
                  {c.cell(row)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      {props.footer}
    </>
  );
}
