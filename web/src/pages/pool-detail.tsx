import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, ApiError, unwrap } from '../api/client.ts';
import { Link, navigate } from '../router.ts';
import { ErrorNote } from '../components/error-note.tsx';
import { LineChart } from '../components/line-chart.tsx';
import { formatDuration, formatTime } from '../codes.ts';
import { poolBusy, poolDisplayName, poolResources } from '../components/pool-codes.ts';
import { PoolTags } from '../components/pool-tags.tsx';
import NotFound from './not-found.tsx';

/** One resource pool: its facts, nodes, utilisation over the last half hour, workloads, events and tags; delete. */
export default function PoolDetail({ projectId, poolName }: { projectId: string; poolName: string }) {
  const queries = useQueryClient();
  const path = { project_id: projectId, pool_name: poolName };
  const pool = useQuery({
    queryKey: ['pool', projectId, poolName],
    queryFn: () => unwrap(api.GET('/v2/{project_id}/pools/{pool_name}', { params: { path } })),
    refetchInterval: (q) => (poolBusy(q.state.data?.status.phase) ? 1000 : false),
  });
  const ready = pool.data !== undefined;
  const nodes = useQuery({
    queryKey: ['pool-nodes', projectId, poolName, pool.data?.status.phase],
    queryFn: () => unwrap(api.GET('/v2/{project_id}/pools/{pool_name}/nodes', { params: { path, query: { limit: 500 } } })),
    enabled: ready,
  });
  const monitor = useQuery({
    queryKey: ['pool-monitor', projectId, poolName],
    queryFn: () =>
      unwrap(
        api.GET('/v2/{project_id}/pools/{pool_name}/monitor', { params: { path, query: { time_range: '-1.-1.30', period: '60', statistics: 'average' } } }),
      ),
    enabled: ready,
    refetchInterval: 15_000,
  });
  const workloads = useQuery({
    queryKey: ['pool-workloads', projectId, poolName],
    queryFn: () => unwrap(api.GET('/v2/{project_id}/pools/{pool_name}/workloads', { params: { path, query: { limit: 100, sort: 'create_time' } } })),
    enabled: ready,
    refetchInterval: 5000,
  });
  const events = useQuery({
    queryKey: ['pool-events', projectId, poolName, pool.data?.status.phase],
    queryFn: () =>
      unwrap(api.GET('/v1/{project_id}/events', { params: { path: { project_id: projectId }, query: { resource: 'pools', name: poolName, limit: 50 } } })),
    enabled: ready,
  });
  const remove = useMutation({
    mutationFn: () => unwrap(api.DELETE('/v2/{project_id}/pools/{pool_name}', { params: { path } })),
    onSuccess: async () => {
      await queries.invalidateQueries({ queryKey: ['pools', projectId] });
      navigate(`/projects/${encodeURIComponent(projectId)}/pools`);
    },
  });
  if (pool.error instanceof ApiError && pool.error.status === 404) return <NotFound what="This resource pool" error={pool.error} />;
  const p = pool.data;
  const series = (name: string) => monitor.data?.metrics.find((m) => m.metric.metricName === name)?.dataPoints.map((d) => d.statistics[0]?.value ?? -1) ?? [];
  return (
    <>
      <p>
        <Link to={`/projects/${encodeURIComponent(projectId)}/pools`}>← Resource pools</Link>
      </p>
      <div className="row spread">
        <h1>{p ? poolDisplayName(p) : 'Resource pool'}</h1>
        <button
          type="button"
          className="danger"
          disabled={!p || p.status.phase === 'Deleting' || remove.isPending}
          onClick={() => {
            if (window.confirm(`Delete resource pool ${p ? poolDisplayName(p) : poolName}?`)) remove.mutate();
          }}
        >
          Delete
        </button>
      </div>
      <ErrorNote error={pool.error ?? remove.error} />
      {p ? (
        <div className="panel">
          <dl className="facts">
            <dt>Phase</dt>
            <dd aria-live="polite" data-testid="pool-phase">
              {p.status.phase}
              {p.status.message ? ` (${p.status.message})` : ''}
            </dd>
            <dt>ID</dt>
            <dd>
              <code>{p.metadata.name}</code>
            </dd>
            <dt>Resources</dt>
            <dd>{poolResources(p)}</dd>
            <dt>Used for</dt>
            <dd>{p.spec.scope.join(', ')}</dd>
            <dt>Network</dt>
            <dd>
              <code>{p.spec.network.name}</code>
            </dd>
            {p.metadata.annotations['os.modelarts/description'] ? (
              <>
                <dt>Description</dt>
                <dd>{p.metadata.annotations['os.modelarts/description']}</dd>
              </>
            ) : null}
            <dt>Created</dt>
            <dd>{formatTime(Date.parse(p.metadata.creationTimestamp))}</dd>
          </dl>
        </div>
      ) : null}
      <h2>Utilisation, last 30 minutes</h2>
      <ErrorNote error={monitor.error} />
      <div className="charts">
        <LineChart title="CPU" values={series('cpuUsage')} unit="%" max={100} />
        <LineChart title="Memory" values={series('memUsedRate')} unit="%" max={100} />
        <LineChart title="Disk" values={series('diskUsedRate')} unit="%" max={100} />
      </div>
      <h2>Nodes</h2>
      <ErrorNote error={nodes.error} />
      {nodes.data && nodes.data.items.length > 0 ? (
        <table aria-label="Nodes">
          <thead>
            <tr>
              <th scope="col">Node</th>
              <th scope="col">Phase</th>
              <th scope="col">Flavor</th>
              <th scope="col">Address</th>
              <th scope="col">CPU free / total</th>
              <th scope="col">Memory free / total</th>
            </tr>
          </thead>
          <tbody>
            {nodes.data.items.map((n) => (
              <tr key={n.metadata.name}>
                <td>{n.metadata.name}</td>
                <td>{n.status.phase}</td>
                <td>{n.spec.flavor}</td>
                <td>{n.status.privateIp}</td>
                <td>
                  {n.status.availableResources.cpu} / {n.status.resources.cpu}
                </td>
                <td>
                  {n.status.availableResources.memory} / {n.status.resources.memory}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p className="muted">{nodes.isPending ? 'Loading…' : 'No nodes.'}</p>
      )}
      <h2>Workloads</h2>
      <ErrorNote error={workloads.error} />
      {workloads.data && workloads.data.items.length > 0 ? (
        <table aria-label="Workloads">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Kind</th>
              <th scope="col">Status</th>
              <th scope="col">Flavor</th>
              <th scope="col">CPU / memory</th>
              <th scope="col">Running time</th>
            </tr>
          </thead>
          <tbody>
            {workloads.data.items.map((w) => (
              <tr key={w.uid}>
                <td>{w.jobName || w.name}</td>
                <td>{w.type}</td>
                <td>{w.status}</td>
                <td>{w.flavor}</td>
                <td>
                  {w.resourceRequirement.cpu} / {w.resourceRequirement.memory}
                </td>
                <td>{formatDuration(w.runningDuration)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p className="muted">{workloads.isPending ? 'Loading…' : 'Nothing runs in this pool.'}</p>
      )}
      <h2>Tags</h2>
      {p ? <PoolTags projectId={projectId} poolName={poolName} /> : null}
      <h2>Events</h2>
      <ErrorNote error={events.error} />
      {events.data && events.data.items.length > 0 ? (
        <table aria-label="Events">
          <thead>
            <tr>
              <th scope="col">Last seen</th>
              <th scope="col">Type</th>
              <th scope="col">Reason</th>
              <th scope="col">Message</th>
              <th scope="col">Count</th>
            </tr>
          </thead>
          <tbody>
            {events.data.items.map((e, i) => (
              <tr key={`${e.lastTimestamp}-${i}`}>
                <td>{formatTime(Date.parse(e.lastTimestamp))}</td>
                <td>{e.type}</td>
                <td>{e.reason}</td>
                <td>{e.message}</td>
                <td>{e.count}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p className="muted">{events.isPending ? 'Loading…' : 'No events.'}</p>
      )}
    </>
  );
}
