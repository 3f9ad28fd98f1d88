import { useQuery } from '@tanstack/react-query';
import { api, unwrap } from '../api/client.ts';
import { Link, navigate, useLocation, withQuery } from '../router.ts';
import { ErrorNote } from '../components/error-note.tsx';
import { Pager } from '../components/pager.tsx';
import { datasetBusy, datasetStatusName, datasetTypeName, formatTime } from '../codes.ts';

const LIMIT = 20;

/** The project's datasets, a page at a time, with a search by name or description; polls while one is still changing. */
export default function Datasets({ projectId }: { projectId: string }) {
  const { pathname, query } = useLocation();
  const offset = Math.max(0, Number(query.get('offset')) || 0);
  const search = query.get('q') ?? '';
  const list = useQuery({
    queryKey: ['datasets', projectId, offset, search],
    queryFn: () =>
      unwrap(
        api.GET('/v2/{project_id}/datasets', {
          params: { path: { project_id: projectId }, query: { offset, limit: LIMIT, ...(search ? { search_content: search } : {}) } },
        }),
      ),
    refetchInterval: (q) => (q.state.data?.datasets?.some((d) => datasetBusy(d.status)) ? 1000 : false),
  });
  const base = `/projects/${encodeURIComponent(projectId)}/datasets`;
  return (
    <>
      <div className="row spread">
        <h1>Datasets</h1>
        <Link className="button primary" to={`${base}/new`}>
          Create dataset
        </Link>
      </div>
      <form
        className="row"
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          const q = new FormData(e.currentTarget).get('q');
          navigate(pathname + withQuery(query, { q: typeof q === 'string' ? q : undefined, offset: undefined }));
        }}
      >
        <label className="row">
          <span>Name or description contains</span>
          <input name="q" defaultValue={search} key={search} />
        </label>
        <button type="submit">Search</button>
      </form>
      <ErrorNote error={list.error} />
      {list.isPending ? <p className="muted">Loading…</p> : null}
      {list.data ? (
        list.data.datasets && list.data.datasets.length > 0 ? (
          <>
            <table>
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Type</th>
                  <th scope="col">Status</th>
                  <th scope="col">Samples</th>
                  <th scope="col">Created</th>
                </tr>
              </thead>
              <tbody>
                {list.data.datasets.map((d) => (
                  <tr key={d.dataset_id}>
                    <td>
                      <Link to={`${base}/${encodeURIComponent(d.dataset_id ?? '')}`}>{d.dataset_name}</Link>
                    </td>
                    <td>{datasetTypeName(d.dataset_type)}</td>
                    <td>{datasetStatusName(d.status)}</td>
                    <td>
                      {d.annotated_sample_count ?? 0} labeled of {d.total_sample_count ?? 0}
                    </td>
                    <td>{formatTime(d.create_time)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            <Pager path={pathname} query={query} offset={offset} limit={LIMIT} total={list.data.total_number ?? 0} />
          </>
        ) : (
          <p className="notice">{search ? 'No dataset name or description contains this text.' : 'No datasets yet in this project.'}</p>
        )
      ) : null}
    </>
  );
}
