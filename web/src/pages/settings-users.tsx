import { useState, type FormEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, projectToken, unwrap } from '../api/client.ts';
import type { operations } from '../api/schema.ts';
import { ErrorNote } from '../components/error-note.tsx';
import { ListTable } from '../components/list-table.tsx';
import { useSession } from '../components/shell.tsx';

type IamUser = operations['KeystoneListUsers']['responses'][200]['content']['application/json']['users'][number];

/** The account's users (IAM refuses a non-admin with 403, which Settings reads as "not an admin"). */
export const usersQuery = (projectId: string) => ({
  queryKey: ['iam-users', projectId],
  queryFn: async () => (await unwrap(api.GET('/v3/users', { headers: projectToken(projectId) }))).users,
  retry: false,
});

/** A new password for one user, typed in place of their row's actions. */
function ResetPassword({ projectId, user, onDone }: { projectId: string; user: IamUser; onDone: () => void }) {
  const [password, setPassword] = useState('');
  const reset = useMutation({
    mutationFn: () =>
      unwrap(api.PATCH('/v3/users/{user_id}', { headers: projectToken(projectId), params: { path: { user_id: user.id } }, body: { user: { password } } })),
    onSuccess: onDone,
  });
  return (
    <form
      className="row"
      aria-label={`New password for ${user.name}`}
      onSubmit={(e) => {
        e.preventDefault();
        reset.mutate();
      }}
    >
      <label>
        New password
        <input
          type="password"
          autoComplete="new-password"
          required
          minLength={8}
          maxLength={256}
          value={password}
          onChange={(e) => setPassword(e.target.value)}
        />
      </label>
      <button type="submit" disabled={reset.isPending}>
        Set password
      </button>
      <button type="button" onClick={onDone}>
        Cancel
      </button>
      <ErrorNote error={reset.error} />
    </form>
  );
}

/** The account's users, for an admin: create, reset a password, delete. */
export function Users({ projectId }: { projectId: string }) {
  const session = useSession();
  const queries = useQueryClient();
  const users = useQuery(usersQuery(projectId));
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [role, setRole] = useState<'admin' | 'user'>('user');
  const [resetting, setResetting] = useState<string | undefined>();
  const [done, setDone] = useState('');
  const refresh = () => queries.invalidateQueries({ queryKey: ['iam-users', projectId] });
  const create = useMutation({
    mutationFn: async () =>
      (await unwrap(api.POST('/v3/users', { headers: projectToken(projectId), body: { user: { name: name.trim(), password, role } } }))).user,
    onSuccess: async (u) => {
      setDone(`User ${u.name} created.`);
      setName('');
      setPassword('');
      await refresh();
    },
  });
  const remove = useMutation({
    mutationFn: (id: string) => unwrap(api.DELETE('/v3/users/{user_id}', { headers: projectToken(projectId), params: { path: { user_id: id } } })),
    onSettled: refresh,
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate();
  };
  return (
    <section aria-labelledby="users-title">
      <h2 id="users-title">Users</h2>
      <p className="muted">The users of your account. Labeling team members are managed with their teams.</p>
      <ErrorNote error={users.error ?? remove.error} />
      {done ? (
        <p className="notice" role="status">
          {done}
        </p>
      ) : null}
      <ListTable
        label="Users"
        loading={false}
        rows={users.data}
        rowKey={(u) => u.id}
        columns={[
          { header: 'Name', cell: (u) => u.name },
          { header: 'Role', cell: (u) => u.role },
          { header: 'ID', cell: (u) => <code>{u.id}</code> },
          { header: 'Created', cell: (u) => new Date(u.create_time).toLocaleString() },
          {
            header: 'Actions',
            hideHeader: true,
            cell: (u) => (
              <>
                {resetting === u.id ? (
                  <ResetPassword
                    projectId={projectId}
                    user={u}
                    onDone={() => {
                      setResetting(undefined);
                      setDone(`The password of ${u.name} was changed.`);
                    }}
                  />
                ) : (
                  <div className="row">
                    <button type="button" aria-label={`Reset password of ${u.name}`} onClick={() => setResetting(u.id)}>
                      Reset password
                    </button>
                    {u.id === session?.userId ? null : (
                      <button
                        type="button"
                        className="danger"
                        aria-label={`Delete user ${u.name}`}
                        disabled={remove.isPending}
                        onClick={() => {
                          if (window.confirm(`Delete user ${u.name} with their access keys and memberships?`)) remove.mutate(u.id);
                        }}
                      >
                        Delete
                      </button>
                    )}
                  </div>
                )}
              </>
            ),
          },
        ]}
      />
      <div className="panel">
        <h3>Create a user</h3>
        <form className="row" onSubmit={submit} aria-label="Create a user">
          <label>
            Name
            <input name="name" required maxLength={64} pattern="[A-Za-z0-9_.\-]{1,64}" value={name} onChange={(e) => setName(e.target.value)} />
          </label>
          <label>
            Initial password
            <input
              name="password"
              type="password"
              autoComplete="new-password"
              required
              minLength={8}
              maxLength={256}
              value={password}
              onChange={(e) => setPassword(e.target.value)}
            />
          </label>
          <label>
            Role
            <select name="role" value={role} onChange={(e) => setRole(e.target.value as 'admin' | 'user')}>
              <option value="user">User</option>
              <option value="admin">Admin</option>
            </select>
          </label>
          <button type="submit" disabled={create.isPending}>
            Create user
          </button>
        </form>
        <ErrorNote error={create.error} />
      </div>
    </section>
  );
}
