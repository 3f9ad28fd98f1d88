// IAM's access key, user and project APIs, typed by hand until the generated schema carries them
// (the lead regenerates spec/openapi.json): every call carries the token of the project shown, and a
// 401 forgets that token and sends the user to sign in, as api/client.ts does for the other APIs.
import { ApiError } from './client.ts';
import { dropProjectToken, tokenOf } from '../session.ts';
import { navigate } from '../router.ts';

export interface Credential {
  access: string;
  status: 'active';
  user_id: string;
  description: string;
  create_time: string;
}
export type NewCredential = Credential & { secret: string };

export interface IamUser {
  id: string;
  name: string;
  domain_id: string;
  enabled: boolean;
  role: 'admin' | 'user';
  create_time: string;
}

export interface IamProject {
  id: string;
  name: string;
  domain_id: string;
}

/** The most access keys a user may hold (the server's limit, IAM's). */
export const KEYS_PER_USER = 2;

async function call<T>(projectId: string, method: string, path: string, body?: unknown): Promise<T> {
  const token = tokenOf(projectId)?.token;
  const headers: Record<string, string> = token ? { 'X-Auth-Token': token } : {};
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const res = await fetch(path, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  if (res.status === 401) {
    dropProjectToken(projectId);
    const here = window.location.pathname + window.location.search;
    navigate(`/sign-in?expired=1&next=${encodeURIComponent(here)}`, { replace: true });
  }
  if (res.status === 204) return undefined as T;
  const json = (await res.json().catch(() => ({}))) as T & { error_code?: string; error_msg?: string };
  if (!res.ok) throw new ApiError(res.status, json.error_code ?? '', json.error_msg ?? `${res.status} ${res.statusText}`);
  return json;
}

const q = encodeURIComponent;

export const iam = {
  listKeys: async (projectId: string, userId: string) =>
    (await call<{ credentials: Credential[] }>(projectId, 'GET', `/v3.0/OS-CREDENTIAL/credentials?user_id=${q(userId)}`)).credentials,
  createKey: async (projectId: string, userId: string, description: string) =>
    (await call<{ credential: NewCredential }>(projectId, 'POST', '/v3.0/OS-CREDENTIAL/credentials', { credential: { user_id: userId, description } }))
      .credential,
  deleteKey: (projectId: string, ak: string) => call<void>(projectId, 'DELETE', `/v3.0/OS-CREDENTIAL/credentials/${q(ak)}`),

  listUsers: async (projectId: string) => (await call<{ users: IamUser[] }>(projectId, 'GET', '/v3/users')).users,
  createUser: async (projectId: string, user: { name: string; password: string; role: 'admin' | 'user' }) =>
    (await call<{ user: IamUser }>(projectId, 'POST', '/v3/users', { user })).user,
  resetPassword: (projectId: string, userId: string, password: string) =>
    call<{ user: IamUser }>(projectId, 'PATCH', `/v3/users/${q(userId)}`, { user: { password } }),
  deleteUser: (projectId: string, userId: string) => call<void>(projectId, 'DELETE', `/v3/users/${q(userId)}`),

  listProjects: async (projectId: string) => (await call<{ projects: IamProject[] }>(projectId, 'GET', '/v3/projects')).projects,
  createProject: async (projectId: string, name: string) =>
    (await call<{ project: IamProject }>(projectId, 'POST', '/v3/projects', { project: { name } })).project,
  deleteProject: (projectId: string, id: string) => call<void>(projectId, 'DELETE', `/v3/projects/${q(id)}`),
  members: async (projectId: string, id: string) => (await call<{ users: IamUser[] }>(projectId, 'GET', `/v3/projects/${q(id)}/users`)).users,
  addMember: (projectId: string, id: string, userId: string) => call<void>(projectId, 'PUT', `/v3/projects/${q(id)}/users/${q(userId)}/roles/member`),
  removeMember: (projectId: string, id: string, userId: string) => call<void>(projectId, 'DELETE', `/v3/projects/${q(id)}/users/${q(userId)}/roles/member`),
};
