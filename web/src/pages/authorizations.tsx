import { useState, type FormEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '../api/client.ts';
import { useLocation } from '../router.ts';
import { ErrorNote } from '../components/error-note.tsx';
import { Pager } from '../components/pager.tsx';
import { formatTime } from '../codes.ts';
import { useSession } from '../components/shell.tsx';

const LIMIT = 20;
type Kind = 'agency' | 'credential';
/** Whom an authorization is for: the signed-in user, every user of the account (agency only), or a user id typed in. */
type Who = 'me' | 'all' | 'other';

/** What ModelArts acts through for each user of the project: list, add (agency or access key), delete. */
export default function Authorizations({ projectId }: { projectId: string }) {
  const { pathname, query } = useLocation();
  const session = useSession();
  const queries = useQueryClient();
  const path = { project_id: projectId };
  const offset = Math.max(0, Number(query.get('offset')) || 0);
  const list = useQuery({
    queryKey: ['authorizations', projectId, offset],
    // offset counts pages of limit records here.
    queryFn: () =>
      unwrap(
        api.GET('/v2/{project_id}/authorizations', {
          params: { path, query: { offset: Math.floor(offset / LIMIT), limit: LIMIT, sort_by: 'user_name', order: 'asc' } },
        }),
      ),
  });
  const [kind, setKind] = useState<Kind>('agency');
  const [who, setWho] = useState<Who>('me');
  const [userId, setUserId] = useState('');
  const [agency, setAgency] = useState('modelarts_agency');
  const [suffix, setSuffix] = useState('');
  const [ak, setAk] = useState('');
  const [sk, setSk] = useState('');
  const refresh = () => queries.invalidateQueries({ queryKey: ['authorizations', projectId] });
  const target = who === 'me' ? (session?.userId ?? '') : who === 'all' ? 'all' : userId.trim();
  const makeAgency = useMutation({
    mutationFn: () => unwrap(api.POST('/v2/{project_id}/agency', { params: { path }, body: suffix ? { agency_name_suffix: suffix } : {} })),
    onSuccess: (made) => setAgency(made.agency_name),
  });
  const add = useMutation({
    mutationFn: () =>
      unwrap(
        api.POST('/v2/{project_id}/authorizations', {
          params: { path },
          body: kind === 'agency' ? { user_id: target, type: 'agency', content: agency } : { user_id: target, type: 'credential', content: ak, secret_key: sk },
        }),
      ),
    onSuccess: async () => {
      setSk('');
      await refresh();
    },
  });
  const remove = useMutation({
    mutationFn: (user: string) => unwrap(api.DELETE('/v2/{project_id}/authorizations', { params: { path, query: { user_id: user } } })),
    onSettled: refresh,
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    add.mutate();
  };
  const rows = list.data?.auth ?? [];
  return (
    <>
      <h1>Authorizations</h1>
      <p className="muted">What ModelArts acts through on behalf of each user of this project: an agency, or one of the user's own access keys.</p>
      <ErrorNote error={list.error ?? remove.error} />
      {list.isPending ? <p className="muted">Loading…</p> : null}
      {list.data ? (
        rows.length > 0 ? (
          <>
            <table aria-label="Authorizations">
              <thead>
                <tr>
                  <th scope="col">User</th>
                  <th scope="col">Type</th>
                  <th scope="col">Through</th>
                  <th scope="col">Configured</th>
                  <th scope="col">
                    <span className="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {rows.map((r) => (
                  <tr key={r.user_id}>
                    <td>
                      {r.user_name} <span className="muted">({r.user_id})</span>
                    </td>
                    <td>{r.type === 'agency' ? 'Agency' : 'Access key'}</td>
                    <td>
                      <code>{r.content}</code>
                      {r.secret_key ? <span className="muted"> (secret {r.secret_key})</span> : null}
                    </td>
                    <td>{formatTime(r.create_time)}</td>
                    <td>
                      <button
                        type="button"
                        className="danger"
                        aria-label={`Delete the authorization of ${r.user_name}`}
                        disabled={remove.isPending}
                        onClick={() => {
                          if (window.confirm(`Delete the authorization of ${r.user_name}?`)) remove.mutate(r.user_id);
                        }}
                      >
                        Delete
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            <Pager path={pathname} query={query} offset={offset} limit={LIMIT} total={list.data.total_count} />
          </>
        ) : (
          <p className="notice">No authorizations yet in this project.</p>
        )
      ) : null}
      <div className="panel">
        <h2>Add an authorization</h2>
        <form className="stack" onSubmit={submit} aria-label="Add an authorization">
          <div className="row">
            <label>
              Type
              <select name="type" value={kind} onChange={(e) => setKind(e.target.value as Kind)}>
                <option value="agency">Agency</option>
                <option value="credential">Access key (AK/SK)</option>
              </select>
            </label>
            <label>
              For
              <select name="who" value={who} onChange={(e) => setWho(e.target.value as Who)}>
                <option value="me">Me ({session?.user ?? ''})</option>
                {kind === 'agency' ? <option value="all">Every user of the account</option> : null}
                <option value="other">Another user, by ID</option>
              </select>
            </label>
            {who === 'other' ? (
              <label>
                User ID
                <input name="user_id" required value={userId} onChange={(e) => setUserId(e.target.value)} />
              </label>
            ) : null}
          </div>
          {kind === 'agency' ? (
            <label>
              Agency name
              <input name="agency" required value={agency} onChange={(e) => setAgency(e.target.value)} />
            </label>
          ) : (
            <div className="row">
              <label>
                Access key ID
                <input name="ak" required autoComplete="off" value={ak} onChange={(e) => setAk(e.target.value)} />
              </label>
              <label>
                Secret access key
                <input name="sk" type="password" required autoComplete="off" value={sk} onChange={(e) => setSk(e.target.value)} />
              </label>
            </div>
          )}
          <ErrorNote error={add.error} />
          <div className="row">
            <button className="primary" type="submit" disabled={add.isPending || !target}>
              {add.isPending ? 'Adding…' : 'Add authorization'}
            </button>
          </div>
        </form>
        {kind === 'agency' ? (
          <form
            className="row"
            aria-label="Create an agency"
            onSubmit={(e) => {
              e.preventDefault();
              makeAgency.mutate();
            }}
          >
            <label>
              New agency suffix (empty: modelarts_agency)
              <input name="agency_name_suffix" value={suffix} onChange={(e) => setSuffix(e.target.value)} />
            </label>
            <button type="submit" disabled={makeAgency.isPending}>
              Create agency
            </button>
            {makeAgency.data ? <span className="muted">Created {makeAgency.data.agency_name}</span> : null}
          </form>
        ) : null}
        <ErrorNote error={makeAgency.error} />
      </div>
    </>
  );
}
