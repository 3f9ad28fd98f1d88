import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, ApiError, unwrap } from '../api/client.ts';
import { Link, navigate, useLocation, withQuery } from '../router.ts';
import { ErrorNote } from '../components/error-note.tsx';
import { BarChart } from '../components/bar-chart.tsx';
import { SampleGrid, type SampleFilter } from '../components/sample-grid.tsx';
import { datasetBusy, datasetStatusName, datasetTypeName, formatTime, versionBusy, versionStatusName } from '../codes.ts';
import NotFound from './not-found.tsx';
import TeamTasks from './team-tasks.tsx';

/** One dataset: its facts, its samples (thumbnails), and its versions with publishing. */
export default function DatasetDetail({ projectId, datasetId }: { projectId: string; datasetId: string }) {
  const { pathname, query } = useLocation();
  const tab = query.get('tab') === 'versions' ? 'versions' : query.get('tab') === 'team' ? 'team' : 'samples';
  const dataset = useQuery({
    queryKey: ['dataset', projectId, datasetId],
    queryFn: () => unwrap(api.GET('/v2/{project_id}/datasets/{dataset_id}', { params: { path: { project_id: projectId, dataset_id: datasetId } } })),
    refetchInterval: (q) => (datasetBusy(q.state.data?.status) ? 1000 : false),
  });
  if (dataset.error instanceof ApiError && dataset.error.status === 404) return <NotFound what="This dataset" error={dataset.error} />;
  const d = dataset.data;
  return (
    <>
      <p>
        <Link to={`/projects/${encodeURIComponent(projectId)}/datasets`}>← Datasets</Link>
      </p>
      <h1>{d?.dataset_name ?? 'Dataset'}</h1>
      <ErrorNote error={dataset.error} />
      {d ? (
        <div className="panel">
          <dl className="facts">
            <dt>Status</dt>
            <dd aria-live="polite" data-testid="dataset-status">
              {datasetStatusName(d.status)}
            </dd>
            <dt>Type</dt>
            <dd>{datasetTypeName(d.dataset_type)}</dd>
            <dt>Samples</dt>
            <dd>
              {d.annotated_sample_count ?? 0} labeled of {d.total_sample_count ?? 0}
            </dd>
            <dt>Input</dt>
            <dd>
              <code>{d.data_sources?.map((s) => s.data_path).join(', ')}</code>
            </dd>
            <dt>Output</dt>
            <dd>
              <code>{d.work_path}</code>
            </dd>
            <dt>Created</dt>
            <dd>{formatTime(d.create_time)}</dd>
            {d.description ? (
              <>
                <dt>Description</dt>
                <dd>{d.description}</dd>
              </>
            ) : null}
          </dl>
        </div>
      ) : null}
      <p>
        <Link to={`${pathname}/label`}>Label samples in the workbench</Link>
      </p>
      <nav className="tabs" aria-label="Dataset views">
        <Link to={pathname} aria-current={tab === 'samples' ? 'page' : undefined}>
          Samples
        </Link>
        <Link to={`${pathname}?tab=versions`} aria-current={tab === 'versions' ? 'page' : undefined}>
          Versions
        </Link>
        <Link to={`${pathname}?tab=team`} aria-current={tab === 'team' ? 'page' : undefined}>
          Team labeling
        </Link>
      </nav>
      {tab === 'samples' ? (
        <Samples projectId={projectId} datasetId={datasetId} pathname={pathname} query={query} scanning={d?.status === 0} />
      ) : tab === 'team' ? (
        <TeamTasks projectId={projectId} datasetId={datasetId} pathname={pathname} query={query} />
      ) : (
        <Versions projectId={projectId} datasetId={datasetId} />
      )}
    </>
  );
}

/** The label and state filters of the sample grid, kept in the URL. */
function sampleFilter(query: URLSearchParams): SampleFilter {
  const conditions: Record<string, string>[] = [];
  if (query.get('name')) conditions.push({ sample_name: query.get('name')! });
  if (query.get('hard') === '1') conditions.push({ hard: '1' });
  return {
    ...(query.get('label') ? { label_name: query.get('label')! } : {}),
    ...(query.get('state') ? { sample_state: query.get('state') as SampleFilter['sample_state'] } : {}),
    ...(conditions.length > 0 ? { search_conditions: JSON.stringify(conditions) } : {}),
  };
}

const STATES: [string, string][] = [
  ['', 'Any state'],
  ['__ALL__', 'Labeled'],
  ['__NONE__', 'Not labeled'],
  ['__AUTO_ANNOTATION__', 'Labels to confirm'],
];

function Samples(props: { projectId: string; datasetId: string; pathname: string; query: URLSearchParams; scanning: boolean }) {
  const { projectId, datasetId, pathname, query } = props;
  const stats = useQuery({
    queryKey: ['dataset-stats', projectId, datasetId],
    queryFn: () =>
      unwrap(
        api.GET('/v2/{project_id}/datasets/{dataset_id}/data-annotations/stats', {
          params: { path: { project_id: projectId, dataset_id: datasetId } },
        }),
      ),
    refetchInterval: props.scanning ? 2000 : 30_000,
  });
  // The grid and the counts follow a scan by polling: samples it wrote after their last poll but
  // before the dataset turned Ready would never show, so both are asked for once more at its end.
  const client = useQueryClient();
  const wasScanning = useRef(props.scanning);
  useEffect(() => {
    if (wasScanning.current && !props.scanning) {
      void client.invalidateQueries({ queryKey: ['sample-page', projectId, datasetId] });
      void client.invalidateQueries({ queryKey: ['dataset-stats', projectId, datasetId] });
    }
    wasScanning.current = props.scanning;
  }, [client, projectId, datasetId, props.scanning]);
  const [name, setName] = useState(query.get('name') ?? '');
  const set = (changes: Record<string, string | undefined>) => navigate(pathname + withQuery(query, changes), { replace: true });
  const search = (e: FormEvent) => {
    e.preventDefault();
    set({ name: name.trim() || undefined });
  };
  const counts = stats.data?.sample_stats ?? {};
  return (
    <section aria-label="Samples">
      <ErrorNote error={stats.error} />
      {stats.data ? (
        <div className="charts">
          <BarChart title="Samples per label" bars={(stats.data.label_stats ?? []).map((l) => ({ name: l.name ?? '', value: l.sample_count ?? 0 }))} />
          <BarChart
            title="Samples by state"
            bars={[
              { name: 'Labeled', value: counts.manual_annotation ?? 0 },
              { name: 'Not labeled', value: counts.un_annotation ?? 0 },
              { name: 'To confirm', value: counts.auto_annotation ?? 0 },
            ]}
          />
        </div>
      ) : null}
      <form className="row filters" onSubmit={search} aria-label="Filter samples">
        <label htmlFor="filter-label">Label</label>
        <select id="filter-label" value={query.get('label') ?? ''} onChange={(e) => set({ label: e.target.value || undefined })}>
          <option value="">Any label</option>
          {(stats.data?.label_stats ?? []).map((l) => (
            <option key={l.name} value={l.name}>
              {l.name}
            </option>
          ))}
        </select>
        <label htmlFor="filter-state">State</label>
        <select id="filter-state" value={query.get('state') ?? ''} onChange={(e) => set({ state: e.target.value || undefined })}>
          {STATES.map(([v, text]) => (
            <option key={v} value={v}>
              {text}
            </option>
          ))}
        </select>
        <label>
          <input type="checkbox" checked={query.get('hard') === '1'} onChange={(e) => set({ hard: e.target.checked ? '1' : undefined })} />
          Hard examples only
        </label>
        <label htmlFor="filter-name">File name (exact)</label>
        <input id="filter-name" value={name} maxLength={1024} onChange={(e) => setName(e.target.value)} />
        <button type="submit">Search</button>
      </form>
      <SampleGrid projectId={projectId} datasetId={datasetId} filter={sampleFilter(query)} scanning={props.scanning} />
    </section>
  );
}

function Versions({ projectId, datasetId }: { projectId: string; datasetId: string }) {
  const queries = useQueryClient();
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const path = { project_id: projectId, dataset_id: datasetId };
  const versions = useQuery({
    queryKey: ['versions', projectId, datasetId],
    queryFn: () => unwrap(api.GET('/v2/{project_id}/datasets/{dataset_id}/versions', { params: { path, query: { offset: 0, limit: 100 } } })),
    refetchInterval: (q) => (q.state.data?.versions?.some((v) => versionBusy(v.status)) ? 1000 : false),
  });
  const publish = useMutation({
    mutationFn: () =>
      unwrap(
        api.POST('/v2/{project_id}/datasets/{dataset_id}/versions', {
          params: { path },
          body: { ...(name ? { version_name: name } : {}), description },
        }),
      ),
    onSuccess: async () => {
      setName('');
      setDescription('');
      await queries.invalidateQueries({ queryKey: ['versions', projectId, datasetId] });
      await queries.invalidateQueries({ queryKey: ['dataset', projectId, datasetId] });
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    publish.mutate();
  };
  return (
    <section aria-label="Versions">
      <form className="panel stack" onSubmit={submit}>
        <h2>Publish a version</h2>
        <label>
          Version name
          <span className="hint">Leave empty for the next number (V001, V002, …)</span>
          <input name="version_name" value={name} onChange={(e) => setName(e.target.value)} />
        </label>
        <label>
          Description
          <input name="version_description" value={description} onChange={(e) => setDescription(e.target.value)} />
        </label>
        <ErrorNote error={publish.error} />
        <div>
          <button className="primary" type="submit" disabled={publish.isPending}>
            Publish
          </button>
        </div>
      </form>
      <h2>Versions</h2>
      <ErrorNote error={versions.error} />
      {versions.data ? (
        versions.data.versions && versions.data.versions.length > 0 ? (
          <table>
            <thead>
              <tr>
                <th scope="col">Version</th>
                <th scope="col">Status</th>
                <th scope="col">Samples</th>
                <th scope="col">Manifest</th>
                <th scope="col">Created</th>
              </tr>
            </thead>
            <tbody>
              {versions.data.versions.map((v) => (
                <tr key={v.version_id}>
                  <td>{v.version_name}</td>
                  <td className={v.status === 4 ? 'status-bad' : v.status === 1 ? 'status-ok' : undefined}>
                    {versionStatusName(v.status)}
                    {v.status === 4 && v.message ? <div>{v.message}</div> : null}
                  </td>
                  <td>{v.total_sample_count ?? 0}</td>
                  <td>{v.manifest_path ? <code>{v.manifest_path}</code> : <span className="muted">not yet</span>}</td>
                  <td>{formatTime(v.create_time)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : (
          <p className="notice">No versions published yet.</p>
        )
      ) : null}
    </section>
  );
}
