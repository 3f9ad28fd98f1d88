// The console's API client: openapi-fetch over the types generated from spec/openapi.json. Every call
// carries the token of the project in its path (IAM's /v3 routes name none: they pass projectToken's
// header); a 401 forgets the refused token and sends the user to sign in.
import createClient, { type Middleware } from 'openapi-fetch';
import type { paths } from './schema.ts';
import { dropProjectToken, readSession, tokenOf } from '../session.ts';
import { navigate } from '../router.ts';

/** An API failure, with the server's error_code and error_msg. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const projectOfPath = (path: string): string | undefined => /^\/v[12]\/([^/]+)\//.exec(path)?.[1];

/** The header that signs an IAM (/v3) call, whose path names no project, with the token of the project shown. */
export const projectToken = (projectId: string): { 'X-Auth-Token'?: string } => {
  const token = tokenOf(projectId)?.token;
  return token ? { 'X-Auth-Token': token } : {};
};

/** The project whose token a request carried: the one in its path, else the one holding the token it sent. */
function projectOf(request: Request): string | undefined {
  const inPath = projectOfPath(new URL(request.url).pathname);
  if (inPath) return decodeURIComponent(inPath);
  const sent = request.headers.get('X-Auth-Token');
  return sent ? readSession()?.projects.find((p) => p.token === sent)?.id : undefined;
}

const auth: Middleware = {
  onRequest({ request }) {
    const project = projectOfPath(new URL(request.url).pathname);
    const token = project ? tokenOf(decodeURIComponent(project))?.token : undefined;
    if (token) request.headers.set('X-Auth-Token', token);
    return request;
  },
  onResponse({ request, response }) {
    if (response.status !== 401) return response;
    const project = projectOf(request);
    if (project) dropProjectToken(project);
    const here = window.location.pathname + window.location.search;
    if (!window.location.pathname.startsWith('/sign-in')) navigate(`/sign-in?expired=1&next=${encodeURIComponent(here)}`, { replace: true });
    return response;
  },
};

export const api = createClient<paths>({ baseUrl: window.location.origin });
api.use(auth);

interface Result<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

/** The answer's body, or an ApiError carrying its error_msg. */
export async function unwrap<T>(call: Promise<Result<T>>): Promise<T> {
  const { data, error, response } = await call;
  if (response.ok) return data as T;
  const body = (error ?? {}) as { error_code?: unknown; error_msg?: unknown };
  const msg = typeof body.error_msg === 'string' ? body.error_msg : `${response.status} ${response.statusText}`;
  throw new ApiError(response.status, typeof body.error_code === 'string' ? body.error_code : '', msg);
}
