import { useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, ApiError, unwrap } from '../api/client.ts';
import { Link, navigate } from '../router.ts';
import { ErrorNote } from '../components/error-note.tsx';
import { formatTime } from '../codes.ts';
import { leaseText, notebookBusy, notebookCanStart, notebookStatusName, openUrl } from '../components/notebook-codes.ts';
import NotFound from './not-found.tsx';

const RENEW_HOURS = [1, 2, 4, 8, 24];

/** One notebook instance: status with its progress steps (polled while it changes), open, start, stop, renew the lease, delete, history. */
export default function NotebookDetail({ projectId, notebookId }: { projectId: string; notebookId: string }) {
  const queries = useQueryClient();
  const path = { project_id: projectId, id: notebookId };
  const nb = useQuery({
    queryKey: ['notebook', projectId, notebookId],
    queryFn: () => unwrap(api.GET('/v1/{project_id}/notebooks/{id}', { params: { path } })),
    // Quick while it changes; slower while running, so a lease that stops it shows too.
    refetchInterval: (q) => (q.state.error ? false : notebookBusy(q.state.data?.status) ? 1000 : q.state.data?.status === 'RUNNING' ? 5000 : false),
  });
  const events = useQuery({
    queryKey: ['notebook-events', projectId, notebookId, nb.data?.status],
    queryFn: () => unwrap(api.GET('/v1/{project_id}/notebooks/{id}/events', { params: { path, query: { limit: 20, sort_dir: 'DESC' } } })),
    enabled: nb.data !== undefined,
  });
  const [renewHours, setRenewHours] = useState(1);
  const refresh = () => queries.invalidateQueries({ queryKey: ['notebook', projectId, notebookId] });
  const start = useMutation({ mutationFn: () => unwrap(api.POST('/v1/{project_id}/notebooks/{id}/start', { params: { path } })), onSuccess: refresh });
  const stop = useMutation({ mutationFn: () => unwrap(api.POST('/v1/{project_id}/notebooks/{id}/stop', { params: { path } })), onSuccess: refresh });
  const renew = useMutation({
    mutationFn: () => unwrap(api.PATCH('/v1/{project_id}/notebooks/{id}/lease', { params: { path }, body: { duration: renewHours * 3_600_000 } })),
    onSuccess: refresh,
  });
  const remove = useMutation({
    mutationFn: () => unwrap(api.DELETE('/v1/{project_id}/notebooks/{id}', { params: { path } })),
    onSuccess: async () => {
      await queries.invalidateQueries({ queryKey: ['notebooks', projectId] });
      navigate(`/projects/${encodeURIComponent(projectId)}/notebooks`);
    },
  });
  if (nb.error instanceof ApiError && nb.error.status === 404) return <NotFound what="This notebook" error={nb.error} />;
  const n = nb.data;
  const busy = notebookBusy(n?.status);
  return (
    <>
      <p>
        <Link to={`/projects/${encodeURIComponent(projectId)}/notebooks`}>← Notebooks</Link>
      </p>
      <div className="row spread">
        <h1>{n?.name ?? 'Notebook'}</h1>
        <div className="row">
          {n?.status === 'RUNNING' ? (
            <a className="button primary" href={openUrl(n)} target="_blank" rel="noopener noreferrer">
              Open JupyterLab
            </a>
          ) : null}
          <button type="button" disabled={!notebookCanStart(n?.status) || start.isPending} onClick={() => start.mutate()}>
            Start
          </button>
          <button type="button" disabled={n?.status !== 'RUNNING' || stop.isPending} onClick={() => stop.mutate()}>
            Stop
          </button>
          <button
            type="button"
            className="danger"
            disabled={n === undefined || busy || remove.isPending}
            onClick={() => {
              if (window.confirm(`Delete notebook ${n?.name ?? notebookId} and its disk?`)) remove.mutate();
            }}
          >
            Delete
          </button>
        </div>
      </div>
      <ErrorNote error={nb.error ?? start.error ?? stop.error ?? remove.error} />
      {n ? (
        <div className="panel">
          <dl className="facts">
            <dt>Status</dt>
            <dd aria-live="polite" data-testid="notebook-status">
              {notebookStatusName(n.status)}
            </dd>
            {n.fail_reason ? (
              <>
                <dt>Reason</dt>
                <dd>{n.fail_reason}</dd>
              </>
            ) : null}
            <dt>Flavor</dt>
            <dd>
              {n.flavor}
              {n.pool ? ` in dedicated pool ${n.pool.name}` : ''}
            </dd>
            <dt>Image</dt>
            <dd>
              {n.image.name}
              {n.image.tag ? `:${n.image.tag}` : ''}
            </dd>
            <dt>Disk</dt>
            <dd>
              {n.volume.capacity} GB at <code>{n.volume.mount_path}</code>
            </dd>
            <dt>Lease</dt>
            <dd data-testid="notebook-lease">{leaseText(n.lease, n.status)}</dd>
            {n.description ? (
              <>
                <dt>Description</dt>
                <dd>{n.description}</dd>
              </>
            ) : null}
          </dl>
        </div>
      ) : null}
      {n && busy && n.action_progress.length > 0 ? (
        <>
          <h2>Progress</h2>
          <ol className="stack" aria-label="Progress steps">
            {n.action_progress.map((p) => (
              <li key={p.step}>
                {p.step_description}: <span className="muted">{p.status.toLowerCase()}</span>
              </li>
            ))}
          </ol>
        </>
      ) : null}
      {n?.status === 'RUNNING' ? (
        <form
          className="row"
          onSubmit={(e) => {
            e.preventDefault();
            renew.mutate();
          }}
        >
          <label>
            {n.lease.type === 'IDLE' ? 'Stop after' : 'Run for'}
            <select name="renew" value={renewHours} onChange={(e) => setRenewHours(Number(e.target.value))}>
              {RENEW_HOURS.map((h) => (
                <option key={h} value={h}>
                  {n.lease.type === 'IDLE' ? `${h} h idle` : `${h} h from now`}
                </option>
              ))}
            </select>
          </label>
          <button type="submit" disabled={renew.isPending}>
            Renew lease
          </button>
        </form>
      ) : null}
      <ErrorNote error={renew.error} />
      <h2>History</h2>
      <ErrorNote error={events.error} />
      {events.data && events.data.events.length > 0 ? (
        <table>
          <thead>
            <tr>
              <th scope="col">Time</th>
              <th scope="col">Status</th>
              <th scope="col">What happened</th>
            </tr>
          </thead>
          <tbody>
            {events.data.events.map((e, i) => (
              <tr key={`${e.time}-${i}`}>
                <td>{formatTime(e.time)}</td>
                <td>{notebookStatusName(e.status)}</td>
                <td>{e.message}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p className="muted">{events.isPending ? 'Loading…' : 'Nothing recorded yet.'}</p>
      )}
    </>
  );
}
