import { useState, type FormEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, projectToken, unwrap } from '../api/client.ts';
import type { operations } from '../api/schema.ts';
import { usersQuery } from './settings-users.tsx';
import { ErrorNote } from '../components/error-note.tsx';
import { ListTable } from '../components/list-table.tsx';

type IamProject = operations['KeystoneListProjects']['responses'][200]['content']['application/json']['projects'][number];

/** One project's members: list, add a user of the account, remove. */
function Members({ projectId, project }: { projectId: string; project: IamProject }) {
  const queries = useQueryClient();
  const key = ['iam-members', projectId, project.id];
  const members = useQuery({
    queryKey: key,
    queryFn: async () =>
      (await unwrap(api.GET('/v3/projects/{iam_project_id}/users', { headers: projectToken(projectId), params: { path: { iam_project_id: project.id } } })))
        .users,
  });
  const users = useQuery(usersQuery(projectId));
  const [pick, setPick] = useState('');
  const refresh = () => queries.invalidateQueries({ queryKey: key });
  const add = useMutation({
    mutationFn: (userId: string) =>
      unwrap(
        api.PUT('/v3/projects/{iam_project_id}/users/{user_id}/roles/{role_id}', {
          headers: projectToken(projectId),
          params: { path: { iam_project_id: project.id, user_id: userId, role_id: 'member' } },
        }),
      ),
    onSettled: refresh,
  });
  const remove = useMutation({
    mutationFn: (userId: string) =>
      unwrap(
        api.DELETE('/v3/projects/{iam_project_id}/users/{user_id}/roles/{role_id}', {
          headers: projectToken(projectId),
          params: { path: { iam_project_id: project.id, user_id: userId, role_id: 'member' } },
        }),
      ),
    onSettled: refresh,
  });
  const inside = new Set((members.data ?? []).map((u) => u.id));
  const outside = (users.data ?? []).filter((u) => !inside.has(u.id));
  return (
    <div className="panel" aria-label={`Members of ${project.name}`} role="region">
      <h3>Members of {project.name}</h3>
      <ErrorNote error={members.error ?? add.error ?? remove.error} />
      {members.data ? (
        members.data.length > 0 ? (
          <ul>
            {members.data.map((u) => (
              <li key={u.id} className="row">
                <span>{u.name}</span>
                <button
                  type="button"
                  className="danger"
                  aria-label={`Remove ${u.name} from ${project.name}`}
                  disabled={remove.isPending}
                  onClick={() => {
                    if (window.confirm(`Remove ${u.name} from ${project.name}? Their sessions in it end.`)) remove.mutate(u.id);
                  }}
                >
                  Remove
                </button>
              </li>
            ))}
          </ul>
        ) : (
          <p className="notice">No members yet.</p>
        )
      ) : null}
      <form
        className="row"
        aria-label={`Add a member to ${project.name}`}
        onSubmit={(e) => {
          e.preventDefault();
          if (pick) add.mutate(pick);
          setPick('');
        }}
      >
        <label>
          User
          <select name="user" value={pick} onChange={(e) => setPick(e.target.value)}>
            <option value="">Choose a user…</option>
            {outside.map((u) => (
              <option key={u.id} value={u.id}>
                {u.name}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" disabled={!pick || add.isPending}>
          Add member
        </button>
      </form>
    </div>
  );
}

/** The account's projects, for an admin: create, delete (an empty one), members. */
export function Projects({ projectId }: { projectId: string }) {
  const queries = useQueryClient();
  const projects = useQuery({
    queryKey: ['iam-projects', projectId],
    queryFn: async () => (await unwrap(api.GET('/v3/projects', { headers: projectToken(projectId) }))).projects,
  });
  const [name, setName] = useState('');
  const [open, setOpen] = useState<string | undefined>();
  const refresh = () => queries.invalidateQueries({ queryKey: ['iam-projects', projectId] });
  const create = useMutation({
    mutationFn: async () => (await unwrap(api.POST('/v3/projects', { headers: projectToken(projectId), body: { project: { name: name.trim() } } }))).project,
    onSuccess: async (p) => {
      setName('');
      setOpen(p.id);
      await refresh();
    },
  });
  const remove = useMutation({
    mutationFn: (id: string) =>
      unwrap(api.DELETE('/v3/projects/{iam_project_id}', { headers: projectToken(projectId), params: { path: { iam_project_id: id } } })),
    onSettled: refresh,
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate();
  };
  const shown = projects.data?.find((p) => p.id === open);
  return (
    <section aria-labelledby="projects-title">
      <h2 id="projects-title">Projects</h2>
      <p className="muted">A project that still holds work (datasets, jobs, models, services, …) cannot be deleted: delete those first.</p>
      <ErrorNote error={projects.error ?? remove.error} />
      <ListTable
        label="Projects"
        loading={false}
        rows={projects.data}
        rowKey={(p) => p.id}
        columns={[
          { header: 'Name', cell: (p) => p.name },
          { header: 'ID', cell: (p) => <code>{p.id}</code> },
          {
            header: 'Actions',
            hideHeader: true,
            cell: (p) => (
              <div className="row">
                <button
                  type="button"
                  aria-label={`Members of ${p.name}`}
                  aria-pressed={open === p.id}
                  onClick={() => setOpen(open === p.id ? undefined : p.id)}
                >
                  Members
                </button>
                {p.id === projectId ? null : (
                  <button
                    type="button"
                    className="danger"
                    aria-label={`Delete project ${p.name}`}
                    disabled={remove.isPending}
                    onClick={() => {
                      if (window.confirm(`Delete project ${p.name}?`)) remove.mutate(p.id);
                    }}
                  >
                    Delete
                  </button>
                )}
              </div>
            ),
          },
        ]}
      />
      {shown ? <Members key={shown.id} projectId={projectId} project={shown} /> : null}
      <div className="panel">
        <h3>Create a project</h3>
        <form className="row" onSubmit={submit} aria-label="Create a project">
          <label>
            Name
            <input name="name" required maxLength={64} pattern="[A-Za-z0-9_.\-]{1,64}" value={name} onChange={(e) => setName(e.target.value)} />
          </label>
          <button type="submit" disabled={create.isPending}>
            Create project
          </button>
        </form>
        <ErrorNote error={create.error} />
      </div>
    </section>
  );
}
