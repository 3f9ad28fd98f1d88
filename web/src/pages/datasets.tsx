import { useQuery } from '@tanstack/react-query';
import { api, unwrap } from '../api/client.ts';
import { Link, navigate, useLocation, withQuery } from '../router.ts';
import { ErrorNote } from '../components/error-note.tsx';
import { ListTable } from '../components/list-table.tsx';
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
      <ListTable
        loading={list.isPending}
        rows={list.data?.datasets}
        rowKey={(d) => d.dataset_id ?? ''}
        columns={[
          { header: 'Name', cell: (d) => <Link to={`${base}/${encodeURIComponent(d.dataset_id ?? '')}`}>{d.dataset_name}</Link> },
          { header: 'Type', cell: (d) => datasetTypeName(d.dataset_type) },
          { header: 'Status', cell: (d) => datasetStatusName(d.status) },
          { header: 'Samples', cell: (d) => `${d.annotated_sample_count ?? 0} labeled of ${d.total_sample_count ?? 0}` },
          { header: 'Created', cell: (d) => formatTime(d.create_time) },
        ]}
        empty={search ? 'No dataset name or description contains this text.' : 'No datasets yet in this project.'}
        footer={<Pager path={pathname} query={query} offset={offset} limit={LIMIT} total={list.data?.total_number ?? 0} />}
      />
    </>
  );
}
