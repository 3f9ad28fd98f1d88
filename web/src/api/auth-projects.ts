// IAM's GET /v3/auth/projects, typed by hand until the generated schema carries it: the projects the
// signed-in user may use, asked with the token of the project shown. A refused token is left to the
// page's own API calls, which send the user to sign in (api/client.ts).
import { ApiError } from './client.ts';
import { tokenOf } from '../session.ts';

export interface AuthProject {
  id: string;
  name: string;
  domain_id: string;
  enabled: boolean;
}

export async function listAuthProjects(projectId: string): Promise<AuthProject[]> {
  const token = tokenOf(projectId)?.token;
  const res = await fetch('/v3/auth/projects', { headers: token ? { 'X-Auth-Token': token } : {} });
  const body = (await res.json().catch(() => ({}))) as { projects?: AuthProject[]; error_code?: string; error_msg?: string };
  if (!res.ok) throw new ApiError(res.status, body.error_code ?? '', body.error_msg ?? `${res.status} ${res.statusText}`);
  return body.projects ?? [];
}
