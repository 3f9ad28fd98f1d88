import { useState, type FormEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, ApiError, unwrap } from '../api/client.ts';
import { Link, navigate, useLocation } from '../router.ts';
import { ErrorNote } from '../components/error-note.tsx';
import { formatTime, serviceBusy } from '../codes.ts';
import { tokenOf } from '../session.ts';
import NotFound from './not-found.tsx';

const TABS = ['predict', 'monitor', 'events', 'updates'] as const;
type Tab = (typeof TABS)[number];
const TAB_NAMES: Record<Tab, string> = { predict: 'Predict', monitor: 'Monitor', events: 'Events', updates: 'Update logs' };

/** One real-time service: its facts, a predict panel, and its monitor, events and update logs. */
export default function ServiceDetail({ projectId, serviceId }: { projectId: string; serviceId: string }) {
  const { pathname, query } = useLocation();
  const tab: Tab = TABS.find((t) => t === query.get('tab')) ?? 'predict';
  const queries = useQueryClient();
  const path = { project_id: projectId, service_id: serviceId };
  const service = useQuery({
    queryKey: ['service', projectId, serviceId],
    queryFn: () => unwrap(api.GET('/v1/{project_id}/services/{service_id}', { params: { path } })),
    refetchInterval: (q) => (serviceBusy(q.state.data?.status) ? 1000 : false),
  });
  const remove = useMutation({
    mutationFn: () => unwrap(api.DELETE('/v1/{project_id}/services/{service_id}', { params: { path } })),
    onSuccess: async () => {
      await queries.invalidateQueries({ queryKey: ['services', projectId] });
      navigate(`/projects/${encodeURIComponent(projectId)}/services`);
    },
  });
  if (service.error instanceof ApiError && service.error.status === 404) return <NotFound what="This service" error={service.error} />;
  const s = service.data;
  return (
    <>
      <p>
        <Link to={`/projects/${encodeURIComponent(projectId)}/services`}>← Services</Link>
      </p>
      <div className="row spread">
        <h1>{s?.service_name ?? 'Service'}</h1>
        <button
          type="button"
          className="danger"
          disabled={remove.isPending}
          onClick={() => {
            if (window.confirm(`Delete service ${s?.service_name ?? serviceId}?`)) remove.mutate();
          }}
        >
          Delete
        </button>
      </div>
      <ErrorNote error={service.error ?? remove.error} />
      {s ? (
        <div className="panel">
          <dl className="facts">
            <dt>Status</dt>
            <dd aria-live="polite" data-testid="service-status">
              {s.status}
            </dd>
            <dt>Models</dt>
            <dd>
              {s.config
                .map((c) => `${c.model_name ?? c.model_id} ${c.model_version ?? ''} (${c.weight ?? 100}%, ${c.instance_count} × ${c.specification})`)
                .join('; ')}
            </dd>
            <dt>Address</dt>
            <dd>
              <code>{s.access_address ?? ''}</code>
            </dd>
          </dl>
        </div>
      ) : null}
      <nav className="tabs" aria-label="Service views">
        {TABS.map((t) => (
          <Link key={t} to={t === 'predict' ? pathname : `${pathname}?tab=${t}`} aria-current={t === tab ? 'page' : undefined}>
            {TAB_NAMES[t]}
          </Link>
        ))}
      </nav>
      {tab === 'predict' ? <Predict projectId={projectId} address={s?.access_address} running={s?.status === 'running'} /> : null}
      {tab === 'monitor' ? <Monitor path={path} /> : null}
      {tab === 'events' ? <Events path={path} /> : null}
      {tab === 'updates' ? <Updates path={path} /> : null}
    </>
  );
}

/**
 * Sends JSON or one file (as multipart form data, under the field named) to the service's access
 * address with the project's token, and shows the answer as it came.
 */
function Predict({ projectId, address, running }: { projectId: string; address: string | undefined; running: boolean }) {
  const [mode, setMode] = useState<'json' | 'file'>('json');
  const [json, setJson] = useState('{}');
  const [field, setField] = useState('images');
  const [file, setFile] = useState<File | null>(null);
  const send = useMutation({
    mutationFn: async () => {
      if (!address) throw new Error('The service has no access address yet.');
      const headers: Record<string, string> = { 'X-Auth-Token': tokenOf(projectId)?.token ?? '' };
      let body: BodyInit;
      if (mode === 'json') {
        try {
          JSON.parse(json);
        } catch (e) {
          throw new Error(`The request body is not JSON: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
        }
        body = json;
        headers['Content-Type'] = 'application/json';
      } else {
        if (!file) throw new Error('Choose a file to send.');
        const form = new FormData();
        form.append(field, file);
        body = form;
      }
      const res = await fetch(new URL(address).pathname, { method: 'POST', headers, body });
      const text = await res.text();
      let shown = text;
      try {
        shown = JSON.stringify(JSON.parse(text), null, 2);
      } catch {
        // not JSON: shown as it came
      }
      if (!res.ok) {
        let msg = `${res.status} ${res.statusText}`;
        try {
          const b = JSON.parse(text) as { error_msg?: string; error_code?: string };
          if (b.error_msg) throw new ApiError(res.status, b.error_code ?? '', b.error_msg);
        } catch (e) {
          if (e instanceof ApiError) throw e;
          msg += `: ${text.slice(0, 200)}`;
        }
        throw new Error(msg);
      }
      return { status: res.status, body: shown };
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    send.mutate();
  };
  return (
    <div className="panel">
      <h2>Predict</h2>
      {running ? null : <p className="notice">The service answers once it is running.</p>}
      <form className="stack" onSubmit={submit}>
        <fieldset className="row">
          <legend>Send</legend>
          <label className="row">
            <input type="radio" name="mode" checked={mode === 'json'} onChange={() => setMode('json')} />
            JSON
          </label>
          <label className="row">
            <input type="radio" name="mode" checked={mode === 'file'} onChange={() => setMode('file')} />A file
          </label>
        </fieldset>
        {mode === 'json' ? (
          <label>
            Request body
            <textarea name="body" rows={6} value={json} onChange={(e) => setJson(e.target.value)} spellCheck={false} />
          </label>
        ) : (
          <div className="row">
            <label>
              Form field
              <input name="field" value={field} onChange={(e) => setField(e.target.value)} />
            </label>
            <label>
              File
              <input name="file" type="file" onChange={(e) => setFile(e.target.files?.[0] ?? null)} />
            </label>
          </div>
        )}
        <ErrorNote error={send.error} />
        <div className="row">
          <button className="primary" type="submit" disabled={send.isPending || !address}>
            {send.isPending ? 'Sending…' : 'Send'}
          </button>
        </div>
      </form>
      {send.data ? (
        <>
          <h3>Answer ({send.data.status})</h3>
          <pre className="log" data-testid="predict-answer" tabIndex={0}>
            {send.data.body}
          </pre>
        </>
      ) : null}
    </div>
  );
}

type ServicePath = { project_id: string; service_id: string };

function Monitor({ path }: { path: ServicePath }) {
  const monitor = useQuery({
    queryKey: ['service-monitor', path.project_id, path.service_id],
    queryFn: () => unwrap(api.GET('/v1/{project_id}/services/{service_id}/monitor', { params: { path } })),
    refetchInterval: 5000,
  });
  return (
    <>
      <ErrorNote error={monitor.error} />
      <table>
        <thead>
          <tr>
            <th scope="col">Model</th>
            <th scope="col">Calls</th>
            <th scope="col">Failed</th>
            <th scope="col">CPU cores</th>
            <th scope="col">Memory (MB)</th>
          </tr>
        </thead>
        <tbody>
          {monitor.data?.monitors.map((m) => (
            <tr key={m.model_id}>
              <td>
                {m.model_name} {m.model_version}
              </td>
              <td>{m.invocation_times}</td>
              <td>{m.failed_times}</td>
              <td>
                {m.cpu_core_usage} of {m.cpu_core_total}
              </td>
              <td>
                {m.cpu_memory_usage} of {m.cpu_memory_total}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

function Events({ path }: { path: ServicePath }) {
  const events = useQuery({
    queryKey: ['service-events', path.project_id, path.service_id],
    queryFn: () => unwrap(api.GET('/v1/{project_id}/services/{service_id}/events', { params: { path, query: { offset: 0, limit: 100 } } })),
    refetchInterval: 5000,
  });
  const list = events.data?.events ?? [];
  return (
    <>
      <ErrorNote error={events.error} />
      {events.data && list.length === 0 ? <p className="notice">No events yet.</p> : null}
      <table>
        <thead>
          <tr>
            <th scope="col">Time</th>
            <th scope="col">Type</th>
            <th scope="col">Event</th>
          </tr>
        </thead>
        <tbody>
          {list.map((e, i) => (
            <tr key={i}>
              <td>{formatTime(e.occur_time)}</td>
              <td>{e.event_type}</td>
              <td>{e.event_info}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

function Updates({ path }: { path: ServicePath }) {
  const logs = useQuery({
    queryKey: ['service-update-logs', path.project_id, path.service_id],
    queryFn: () => unwrap(api.GET('/v1/{project_id}/services/{service_id}/logs', { params: { path } })),
  });
  const list = logs.data?.logs ?? [];
  return (
    <>
      <ErrorNote error={logs.error} />
      {logs.data && list.length === 0 ? <p className="notice">No updates yet.</p> : null}
      <table>
        <thead>
          <tr>
            <th scope="col">Time</th>
            <th scope="col">Result</th>
            <th scope="col">Models</th>
          </tr>
        </thead>
        <tbody>
          {list.map((l, i) => (
            <tr key={i}>
              <td>{formatTime(l.update_time)}</td>
              <td>{l.result}</td>
              <td>{l.config.map((c) => `${c.model_name ?? c.model_id} ${c.model_version ?? ''} (${c.weight ?? 100}%)`).join('; ')}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
