import { Link, withQuery } from '../router.ts';

/** Previous/next links over an offset and limit kept in the URL's query. */
export function Pager({ path, query, offset, limit, total }: { path: string; query: URLSearchParams; offset: number; limit: number; total: number }) {
  const prev = Math.max(0, offset - limit);
  const next = offset + limit;
  const first = total === 0 ? 0 : offset + 1;
  return (
    <nav className="row" aria-label="Pages">
      <span className="muted">
        {first}–{Math.min(total, offset + limit)} of {total}
      </span>
      {offset > 0 ? <Link to={path + withQuery(query, { offset: prev || undefined })}>Previous</Link> : null}
      {next < total ? <Link to={path + withQuery(query, { offset: next })}>Next</Link> : null}
    </nav>
  );
}
