import { useQuery } from '@tanstack/react-query';
import { api, unwrap } from '../api/client.ts';
import { Link, navigate, useLocation, withQuery } from '../router.ts';
import { ErrorNote } from '../components/error-note.tsx';
import { ListTable } from '../components/list-table.tsx';
import { Pager } from '../components/pager.tsx';
import { leaseText, notebookBusy, notebookStatusName, openUrl, NOTEBOOK_STATUSES, type NotebookStatus } from '../components/notebook-codes.ts';

const LIMIT = 20;

/** The project's notebook instances, newest first, polling while one is starting, stopping or being created. */
export default function Notebooks({ projectId }: { projectId: string }) {
  const { pathname, query } = useLocation();
  const offset = Math.max(0, Number(query.get('offset')) || 0);
  const name = query.get('name') ?? '';
  const wanted = query.get('status') ?? '';
  const status = NOTEBOOK_STATUSES.find((s) => s === wanted);
  const list = useQuery({
    queryKey: ['notebooks', projectId, offset, name, status],
    queryFn: () =>
      unwrap(
        api.GET('/v1/{project_id}/notebooks', {
          params: {
            path: { project_id: projectId },
            query: { offset, limit: LIMIT, sort_key: 'create_at', sort_dir: 'DESC', ...(name ? { name } : {}), ...(status ? { status } : {}) },
          },
        }),
      ),
    refetchInterval: (q) => (q.state.data?.data.some((n) => notebookBusy(n.status)) ? 1000 : false),
  });
  const base = `/projects/${encodeURIComponent(projectId)}/notebooks`;
  return (
    <>
      <div className="row spread">
        <h1>Notebooks</h1>
        <Link className="button primary" to={`${base}/new`}>
          Create notebook
        </Link>
      </div>
      <form
        className="row"
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          const form = new FormData(e.currentTarget);
          const text = (k: string) => {
            const v = form.get(k);
            return typeof v === 'string' ? v : undefined;
          };
          navigate(pathname + withQuery(query, { name: text('name'), status: text('status'), offset: undefined }));
        }}
      >
        <label className="row">
          <span>Name contains</span>
          <input name="name" defaultValue={name} key={name} />
        </label>
        <label className="row">
          <span>Status</span>
          <select name="status" defaultValue={status ?? ''} key={status ?? ''}>
            <option value="">Any</option>
            {NOTEBOOK_STATUSES.map((s: NotebookStatus) => (
              <option key={s} value={s}>
                {notebookStatusName(s)}
              </option>
            ))}
          </select>
        </label>
        <button type="submit">Filter</button>
      </form>
      <ErrorNote error={list.error} />
      <ListTable
        loading={list.isPending}
        rows={list.data?.data}
        rowKey={(n) => n.id}
        columns={[
          { header: 'Name', cell: (n) => <Link to={`${base}/${encodeURIComponent(n.id)}`}>{n.name}</Link> },
          { header: 'Status', cell: (n) => notebookStatusName(n.status) },
          { header: 'Flavor', cell: (n) => n.flavor },
          { header: 'Image', cell: (n) => `${n.image.name}${n.image.tag ? `:${n.image.tag}` : ''}` },
          { header: 'Lease', cell: (n) => leaseText(n.lease, n.status) },
          {
            header: 'Open',
            hideHeader: true,
            cell: (n) =>
              n.status === 'RUNNING' ? (
                <a href={openUrl(n)} target="_blank" rel="noopener noreferrer" aria-label={`Open ${n.name} in JupyterLab`}>
                  Open
                </a>
              ) : null,
          },
        ]}
        empty={name || status ? 'No notebook instance matches.' : 'No notebook instances yet in this project.'}
        footer={<Pager path={pathname} query={query} offset={offset} limit={LIMIT} total={list.data?.total ?? 0} />}
      />
    </>
  );
}
