import { useState, type FormEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '../api/client.ts';
import { Link, useLocation } from '../router.ts';
import { ErrorNote } from '../components/error-note.tsx';
import { ListTable } from '../components/list-table.tsx';
import { Pager } from '../components/pager.tsx';
import { formatTime } from '../codes.ts';

const LIMIT = 20;
const MODEL_TYPES = ['PyTorch', 'TensorFlow', 'Scikit_Learn', 'XGBoost', 'MindSpore', 'Image'] as const;
const busy = (status: string | undefined) => status === 'publishing' || status === 'building' || status === 'deleting';

/** The project's models with an import from an OBS folder; polls while one is still being published. */
export default function Models({ projectId }: { projectId: string }) {
  const { pathname, query } = useLocation();
  const queries = useQueryClient();
  const offset = Math.max(0, Number(query.get('offset')) || 0);
  const path = { project_id: projectId };
  const list = useQuery({
    queryKey: ['models', projectId, offset],
    queryFn: () => unwrap(api.GET('/v1/{project_id}/models', { params: { path, query: { offset, limit: LIMIT } } })),
    refetchInterval: (q) => (q.state.data?.models.some((m) => busy(m.model_status)) ? 1000 : false),
  });
  const [name, setName] = useState('');
  const [version, setVersion] = useState('1.0.0');
  const [source, setSource] = useState('');
  const [type, setType] = useState<(typeof MODEL_TYPES)[number]>('PyTorch');
  const create = useMutation({
    mutationFn: () =>
      unwrap(
        api.POST('/v1/{project_id}/models', {
          params: { path },
          body: { model_name: name, model_version: version, source_location: source, model_type: type },
        }),
      ),
    onSuccess: () => queries.invalidateQueries({ queryKey: ['models', projectId] }),
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate();
  };
  const base = `/projects/${encodeURIComponent(projectId)}`;
  const models = list.data?.models ?? [];
  return (
    <>
      <h1>Models</h1>
      <details className="panel" open={models.length === 0 || undefined}>
        <summary>Import a model</summary>
        <form className="stack" onSubmit={submit}>
          <div className="row">
            <label>
              Name
              <input name="model_name" required value={name} onChange={(e) => setName(e.target.value)} />
            </label>
            <label>
              Version
              <input name="model_version" required value={version} onChange={(e) => setVersion(e.target.value)} />
            </label>
            <label>
              Type
              <select name="model_type" value={type} onChange={(e) => setType(MODEL_TYPES.find((t) => t === e.target.value) ?? 'PyTorch')}>
                {MODEL_TYPES.map((t) => (
                  <option key={t}>{t}</option>
                ))}
              </select>
            </label>
          </div>
          <label>
            Model folder
            <span className="hint">The OBS folder holding model/ (the files, config.json and customize_service.py), e.g. /my-bucket/models/v1/</span>
            <input name="source_location" required placeholder="/bucket/folder/" value={source} onChange={(e) => setSource(e.target.value)} />
          </label>
          <ErrorNote error={create.error} />
          <div className="row">
            <button className="primary" type="submit" disabled={create.isPending}>
              {create.isPending ? 'Importing…' : 'Import'}
            </button>
          </div>
        </form>
      </details>
      <ErrorNote error={list.error} />
      <ListTable
        loading={list.isPending}
        rows={list.data?.models}
        rowKey={(m) => m.model_id}
        columns={[
          { header: 'Name', cell: (m) => m.model_name },
          { header: 'Version', cell: (m) => m.model_version },
          { header: 'Type', cell: (m) => m.model_type },
          { header: 'Status', cell: (m) => m.model_status, cellProps: () => ({ 'aria-live': 'polite' }) },
          { header: 'Created', cell: (m) => formatTime(Number(m.create_at)) },
          {
            header: 'Actions',
            hideHeader: true,
            cell: (m) => (m.model_status === 'published' ? <Link to={`${base}/services/new?model=${encodeURIComponent(m.model_id)}`}>Deploy</Link> : null),
          },
        ]}
        empty="No models yet in this project."
        footer={<Pager path={pathname} query={query} offset={offset} limit={LIMIT} total={list.data?.count ?? models.length} />}
      />
    </>
  );
}
