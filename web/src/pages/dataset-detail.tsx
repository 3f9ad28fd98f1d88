import { useState, type FormEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, ApiError, unwrap } from '../api/client.ts';
import { Link, useLocation } from '../router.ts';
import { ErrorNote } from '../components/error-note.tsx';
import { Pager } from '../components/pager.tsx';
import { datasetBusy, datasetStatusName, datasetTypeName, formatTime, versionBusy, versionStatusName } from '../codes.ts';
import NotFound from './not-found.tsx';
import TeamTasks from './team-tasks.tsx';

const SAMPLES_PER_PAGE = 24;

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

function Samples(props: { projectId: string; datasetId: string; pathname: string; query: URLSearchParams; scanning: boolean }) {
  const { projectId, datasetId, pathname, query } = props;
  const offset = Math.max(0, Number(query.get('offset')) || 0);
  const samples = useQuery({
    queryKey: ['samples', projectId, datasetId, offset],
    queryFn: () =>
      unwrap(
        api.GET('/v2/{project_id}/datasets/{dataset_id}/data-annotations/samples', {
          params: { path: { project_id: projectId, dataset_id: datasetId }, query: { offset, limit: SAMPLES_PER_PAGE, preview: true } },
        }),
      ),
    refetchInterval: props.scanning ? 1000 : false,
  });
  return (
    <section aria-label="Samples">
      <ErrorNote error={samples.error} />
      {samples.isPending ? <p className="muted">Loading samples…</p> : null}
      {samples.data ? (
        samples.data.samples && samples.data.samples.length > 0 ? (
          <>
            <ul className="grid">
              {samples.data.samples.map((s) => (
                <li key={s.sample_id}>
                  {s.sample_type === 0 && s.source ? <img src={s.source} alt={s.sample_name ?? ''} loading="lazy" /> : null}
                  <div className="caption">
                    {s.sample_name}
                    {s.labels && s.labels.length > 0 ? <div className="muted">{s.labels.map((l) => l.name).join(', ')}</div> : null}
                  </div>
                </li>
              ))}
            </ul>
            <Pager path={pathname} query={query} offset={offset} limit={SAMPLES_PER_PAGE} total={samples.data.sample_count ?? 0} />
          </>
        ) : (
          <p className="notice">{props.scanning ? 'The input folder is being scanned…' : 'No samples.'}</p>
        )
      ) : null}
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
