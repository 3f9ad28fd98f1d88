import { useQuery } from '@tanstack/react-query';
import { api, unwrap } from '../api/client.ts';
import { Link } from '../router.ts';
import { ErrorNote } from '../components/error-note.tsx';
import { formatTime } from '../codes.ts';
import { poolBusy, poolDisplayName, poolResources } from '../components/pool-codes.ts';

/** The project's dedicated resource pools, polling while one is being created or deleted. */
export default function Pools({ projectId }: { projectId: string }) {
  const list = useQuery({
    queryKey: ['pools', projectId],
    queryFn: () => unwrap(api.GET('/v2/{project_id}/pools', { params: { path: { project_id: projectId } } })),
    refetchInterval: (q) => (q.state.data?.items.some((p) => poolBusy(p.status.phase)) ? 1000 : false),
  });
  // What the workloads hold of each pool's capacity now.
  const use = useQuery({
    queryKey: ['pool-runtime-metrics', projectId],
    queryFn: () => unwrap(api.GET('/v2/{project_id}/metrics/runtime/pools', { params: { path: { project_id: projectId } } })),
    enabled: (list.data?.items.length ?? 0) > 0,
    refetchInterval: 10_000,
  });
  const held = (name: string, what: 'cpu' | 'memory') => {
    const table = use.data?.items.find((i) => i.metadata.name === name)?.table;
    return table ? `${table.allocated.value[what]} / ${table.capacity.value[what]}` : '';
  };
  const base = `/projects/${encodeURIComponent(projectId)}`;
  const items = list.data?.items ?? [];
  return (
    <>
      <div className="row spread">
        <h1>Resource pools</h1>
        <div className="row">
          <Link to={`${base}/networks`}>Networks</Link>
          <Link className="button primary" to={`${base}/pools/new`}>
            Create pool
          </Link>
        </div>
      </div>
      <ErrorNote error={list.error ?? use.error} />
      {list.isPending ? <p className="muted">Loading…</p> : null}
      {list.data ? (
        items.length > 0 ? (
          <table>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Phase</th>
                <th scope="col">Resources</th>
                <th scope="col">CPU held / capacity</th>
                <th scope="col">Memory held / capacity</th>
                <th scope="col">Used for</th>
                <th scope="col">Network</th>
                <th scope="col">Created</th>
              </tr>
            </thead>
            <tbody>
              {items.map((p) => (
                <tr key={p.metadata.name}>
                  <td>
                    <Link to={`${base}/pools/${encodeURIComponent(p.metadata.name)}`}>{poolDisplayName(p)}</Link>
                  </td>
                  <td>{p.status.phase}</td>
                  <td>{poolResources(p)}</td>
                  <td>{held(p.metadata.name, 'cpu')}</td>
                  <td>{held(p.metadata.name, 'memory')}</td>
                  <td>{p.spec.scope.join(', ')}</td>
                  <td>
                    <code>{p.spec.network.name}</code>
                  </td>
                  <td>{formatTime(Date.parse(p.metadata.creationTimestamp))}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : (
          <p className="notice">No resource pools yet in this project.</p>
        )
      ) : null}
    </>
  );
}
