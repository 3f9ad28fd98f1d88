// `atelier call METHOD PATH`: one signed request, the way an SDK sends it, printed as it came back.
import { readFileSync } from 'node:fs';
import { HttpClient } from '#src/client/http-client.ts';
import { ConfigError, type Config } from '#src/config.ts';
import { resolveCaller, type Caller } from './credentials.ts';
import { note, type Values } from './options.ts';

/** An HTTP client signing as the caller; says on stderr whom it acts as and where it sends. */
export function clientFor(values: Values, config: Config): { http: HttpClient; caller: Caller } {
  const caller = resolveCaller(values, config);
  note(`calling ${caller.endpoint} as ${caller.ak} in project ${caller.projectId} (credential: ${caller.source})`);
  return { http: new HttpClient(caller.endpoint, { kind: 'aksk', ak: caller.ak, sk: caller.sk, projectId: caller.projectId }), caller };
}

const NETWORK_CODES: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  ENOTFOUND: 'no such host',
  EAI_AGAIN: 'host name lookup failed',
  EHOSTUNREACH: 'host unreachable',
  ETIMEDOUT: 'timed out',
  UND_ERR_CONNECT_TIMEOUT: 'timed out',
  UND_ERR_SOCKET: 'connection closed',
};

/** fetch's "fetch failed" as a sentence a person can act on. */
export async function reachable<T>(endpoint: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (!(e instanceof TypeError) || e.message !== 'fetch failed') throw e;
    const cause = (e as { cause?: { code?: unknown; message?: unknown } }).cause;
    const code = typeof cause?.code === 'string' ? cause.code : undefined;
    const why = (code && NETWORK_CODES[code]) ?? (typeof cause?.message === 'string' ? cause.message : 'no answer');
    throw new ConfigError(
      `no Atelier server answers at ${endpoint} (${why}). Start it with "atelier serve", or name the right one with --endpoint URL (the credentials file records where the server listens)`,
    );
  }
}

function bodyOf(values: Values): string | undefined {
  const body = values.body;
  if (body === undefined || !body.startsWith('@')) return body;
  try {
    return readFileSync(body.slice(1), 'utf8');
  } catch (e) {
    throw new ConfigError(`cannot read the body file ${body.slice(1)}: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** Prints `HTTP <status>` and the body (JSON indented); exit code 1 for a 4xx/5xx answer. */
export async function callCommand(method: string, path: string, values: Values, config: Config): Promise<void> {
  if (!/^[A-Za-z]+$/.test(method)) throw new ConfigError(`"${method}" is not an HTTP method`);
  if (!path.startsWith('/')) throw new ConfigError(`the path must start with "/", e.g. /v2/{project_id}/datasets`);
  const body = bodyOf(values);
  const { http, caller } = clientFor(values, config);
  const missing = /\{(?!project_id\})(\w+)\}/.exec(path.split('?')[0]!);
  if (missing) throw new ConfigError(`the path names {${missing[1]}}: only {project_id} is filled in, give the other ids themselves`);
  const res = await reachable(caller.endpoint, () => http.raw(method.toUpperCase(), path, body !== undefined ? { rawBody: body } : {}));
  process.stdout.write(`HTTP ${res.status}\n${res.json === undefined ? res.text : JSON.stringify(res.json, null, 2)}\n`);
  if (res.status >= 400) process.exitCode = 1;
}
