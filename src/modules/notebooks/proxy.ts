// The reverse proxy in front of each instance's Jupyter (HTTP and WebSocket, through http-proxy-3).
// It admits the instance's token (`?token=` once, which leaves an HttpOnly cookie scoped to the
// instance's path, or `Authorization: token ...`) or an API credential of the instance's project
// (X-Auth-Token, or an SDK-HMAC-SHA256 signature over a bodyless or UNSIGNED-PAYLOAD request).
// Jupyter gets its own token from the proxy, which the browser never needs. These routes are hidden:
// they are not ModelArts APIs, so the OpenAPI document and the fuzz harness leave them out.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Agent } from 'node:http';
import type { Duplex } from 'node:stream';
import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { createProxyServer } from 'http-proxy-3';
import type { AppContext } from '#src/context.ts';
import { ApiError, errors } from '#src/core/errors.ts';
import type { NotebookEngine } from './engine.ts';
import { notebookErrors } from './errors.ts';
import type { NotebookStore } from './store.ts';

const PATH = /^\/v1\/([^/?]+)\/notebooks\/([^/?]+)\/lab(\/[^?]*)?(\?.*)?$/;
const cookieName = (id: string) => `atelier-notebook-${id}`;

export interface ProxyDeps {
  engine: NotebookEngine;
  store: NotebookStore;
  credentials: AppContext['credentials'];
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function cookies(header: string | undefined): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of (header ?? '').split(';')) {
    const i = part.indexOf('=');
    if (i > 0) out.set(part.slice(0, i).trim(), part.slice(i + 1).trim());
  }
  return out;
}

interface Admitted {
  id: string;
  host: string;
  port: number;
  jupyterToken: string;
  /** Set when the token came in the query: the cookie to leave, and the URL without it. */
  setCookie?: string;
  url: string;
}

export class NotebookProxy {
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 256 });
  private readonly proxy = createProxyServer({ agent: this.agent, xfwd: true });

  /** The cookie a request with ?token= leaves, added to Jupyter's own Set-Cookie headers. */
  private readonly cookieFor = new WeakMap<IncomingMessage, string>();

  constructor(private readonly deps: ProxyDeps) {
    this.proxy.on('proxyRes', (proxyRes, req) => {
      const cookie = this.cookieFor.get(req);
      if (cookie) proxyRes.headers['set-cookie'] = [...(proxyRes.headers['set-cookie'] ?? []), cookie];
    });
    this.proxy.on('error', (_err, _req, res) => {
      if (res && 'writeHead' in res && !res.headersSent) {
        const body = JSON.stringify({ error_code: 'ModelArts.6327', error_msg: 'The instance did not answer; it may be stopping.' });
        res.writeHead(502, { 'content-type': 'application/json' }).end(body);
      } else res?.destroy();
    });
  }

  /** Who may pass, and where to; throws the ApiError of a refusal. */
  async admit(req: IncomingMessage): Promise<Admitted> {
    const m = PATH.exec(req.url ?? '');
    if (!m) throw errors.routeNotFound(req.method ?? 'GET', req.url ?? '');
    const [, projectId, id, , query] = m as unknown as [string, string, string, string | undefined, string | undefined];
    let up = this.deps.engine.upstream(id);
    if (!up || up.projectId !== projectId) {
      const row = await this.deps.store.get(projectId, id);
      if (!row) throw notebookErrors.notFound(id);
      up = this.deps.engine.upstream(id) ?? this.deps.engine.storedUpstream(row);
      if (!up) throw notebookErrors.notRunning();
    }
    const admitted = { host: up.host ?? '127.0.0.1', port: up.port, jupyterToken: up.jupyterToken, url: req.url ?? '', id };
    // The header (scripts, JupyterLab's own calls) and the cookie first: the query is parsed only when it may hold the token.
    const headerToken = /^token\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
    if (headerToken && same(headerToken, up.token)) return admitted;
    const cookieToken = req.headers.cookie ? cookies(req.headers.cookie).get(cookieName(id)) : undefined;
    if (cookieToken && same(cookieToken, up.token)) return admitted;
    const params = query?.includes('token=') ? new URLSearchParams(query.slice(1)) : undefined;
    const queryToken = params?.get('token');
    if (params && queryToken && same(queryToken, up.token)) {
      params.delete('token');
      const rest = params.toString();
      const base = `/v1/${projectId}/notebooks/${id}/lab/`;
      return {
        ...admitted,
        url: `${(req.url ?? '').split('?')[0]}${rest ? `?${rest}` : ''}`,
        setCookie: `${cookieName(id)}=${up.token}; Path=${base}; HttpOnly; SameSite=Lax`,
      };
    }
    await this.apiCredential(req, projectId);
    return admitted;
  }

  /** An X-Auth-Token or AK/SK signature of a member of the project, checked as every API checks it; throws otherwise. */
  private async apiCredential(req: IncomingMessage, projectId: string): Promise<void> {
    if (req.headers['x-auth-token'] === undefined && req.headers.authorization === undefined) {
      throw new ApiError(
        401,
        'ModelArts.0205',
        "The instance's token (?token=, its cookie or Authorization: token) or an API credential of its project is needed.",
      );
    }
    await this.deps.credentials.rawCredential(req, projectId);
  }

  /** Jupyter sees its own token and none of the caller's credentials. */
  private rewrite(req: IncomingMessage, a: Admitted): void {
    req.url = a.url;
    req.headers.authorization = `token ${a.jupyterToken}`;
    delete req.headers['x-auth-token'];
    if (!req.headers.cookie) return;
    const kept = [...cookies(req.headers.cookie)].filter(([k]) => !k.startsWith('atelier-notebook-'));
    if (kept.length > 0) req.headers.cookie = kept.map(([k, v]) => `${k}=${v}`).join('; ');
    else delete req.headers.cookie;
  }

  async web(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let a: Admitted;
    try {
      a = await this.admit(req);
    } catch (e) {
      refuse(res, e);
      return;
    }
    this.rewrite(req, a);
    this.deps.engine.touch(a.id);
    if (a.setCookie) this.cookieFor.set(req, a.setCookie);
    this.proxy.web(req, res, { target: `http://${hostPart(a.host)}:${a.port}` });
  }

  async upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    let a: Admitted;
    try {
      a = await this.admit(req);
    } catch (e) {
      const status = e instanceof ApiError ? e.status : 500;
      socket.end(`HTTP/1.1 ${status} Refused\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      return;
    }
    this.rewrite(req, a);
    this.deps.engine.touch(a.id);
    this.proxy.ws(req, socket, head, { target: `ws://${hostPart(a.host)}:${a.port}` });
  }

  /** Registers the hidden routes and the WebSocket upgrade on the app's server. */
  register(app: FastifyInstance): void {
    void app.register(async (scope) => {
      // The body goes to Jupyter as it came: nothing here reads it.
      scope.removeAllContentTypeParsers();
      scope.addContentTypeParser('*', (_req, _payload, done) => done(null));
      const handler = async (req: { raw: IncomingMessage }, reply: { hijack(): void; raw: ServerResponse }) => {
        reply.hijack();
        await this.web(req.raw, reply.raw);
      };
      for (const url of ['/v1/:project_id/notebooks/:id/lab', '/v1/:project_id/notebooks/:id/lab/*'])
        scope.route({ method: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'], url, config: { public: true }, schema: { hide: true }, handler });
    });
    app.server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      if (!PATH.test(req.url ?? '')) {
        socket.destroy();
        return;
      }
      void this.upgrade(req, socket, head);
    });
  }

  close(): void {
    this.proxy.close();
    this.agent.destroy();
  }
}

function refuse(res: ServerResponse, e: unknown): void {
  const err = e instanceof ApiError ? e : errors.internal('proxy');
  res.writeHead(err.status, { 'content-type': 'application/json' }).end(JSON.stringify(err.toBody()));
}

/** An address as a URL's host (an IPv6 pod IP in brackets). */
const hostPart = (host: string) => (host.includes(':') ? `[${host}]` : host);
