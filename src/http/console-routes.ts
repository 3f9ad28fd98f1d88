import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { extname, join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { errors } from '#src/core/errors.ts';

/** Where `npm run web:build` writes the console (web/ built by Vite). */
export const CONSOLE_DIR = fileURLToPath(new URL('../../web/dist/', import.meta.url));

/**
 * First path segments that belong to the API and the platform routes: a request under one of them
 * never gets the console's page, so an unknown API path stays a JSON "no such API" for a browser too.
 */
const SERVER_SEGMENTS = new Set(['docs', 'health', 'metrics', 'openapi.json', 'objects', 'atelier', 'assets']);
const isServerPath = (path: string): boolean => {
  const first = path.split('/')[1] ?? '';
  return SERVER_SEGMENTS.has(first) || /^v\d+$/.test(first);
};

/**
 * A browser opening a page (GET that accepts text/html) outside the server's own paths is a console
 * page. As a route constraint, it leaves every other request, a client's GET / included, to the routes
 * and the not-found answer it had before.
 */
type Strategy = Parameters<FastifyInstance['addConstraintStrategy']>[0];
type Handler = NonNullable<ReturnType<ReturnType<Strategy['storage']>['get']>>;

const consolePage: Strategy = {
  name: 'consolePage',
  storage() {
    const handlers = new Map<unknown, Handler>();
    return {
      get: (value: unknown) => handlers.get(value) ?? null,
      set: (value: unknown, handler: Handler) => void handlers.set(value, handler),
    };
  },
  deriveConstraint(req: IncomingMessage): string | undefined {
    if (req.method !== 'GET' && req.method !== 'HEAD') return undefined;
    if (!(req.headers.accept ?? '').includes('text/html')) return undefined;
    return isServerPath((req.url ?? '/').split('?')[0] ?? '/') ? undefined : 'page';
  },
};

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.json': 'application/json; charset=utf-8',
};

/**
 * The web console: its page (index.html, never cached, so a new build shows at the next load) for
 * every console path, and its content-hashed assets, cached for a year.
 */
export const consoleRoutes: FastifyPluginAsync<{ dir?: string }> = async (app, options) => {
  const dir = options.dir ?? CONSOLE_DIR;
  const assets = join(dir, 'assets') + sep;
  app.addConstraintStrategy(consolePage);

  const page = async (req: FastifyRequest, reply: FastifyReply) => {
    let html: Buffer;
    try {
      html = await readFile(join(dir, 'index.html'));
    } catch {
      // Not built (npm run web:build): the answer the path had before the console existed.
      throw errors.routeNotFound(req.method, req.url.split('?')[0] ?? '');
    }
    return reply.header('Cache-Control', 'no-cache').type('text/html; charset=utf-8').send(html);
  };
  const hidden = { config: { public: true }, constraints: { consolePage: 'page' } };
  app.get('/', { ...hidden, schema: { operationId: 'ConsolePage', hide: true } }, page);
  app.get('/*', { ...hidden, schema: { operationId: 'ConsolePage', hide: true } }, page);

  app.get('/assets/*', { config: { public: true }, schema: { operationId: 'ConsoleAsset', hide: true } }, async (req, reply) => {
    const name = (req.params as { '*': string })['*'];
    const file = join(assets, name);
    const type = TYPES[extname(name)];
    const found = type !== undefined && file.startsWith(assets) && !name.includes('..') ? await stat(file).catch(() => null) : null;
    if (!found?.isFile()) throw errors.routeNotFound(req.method, req.url.split('?')[0] ?? '');
    return reply.header('Cache-Control', 'public, max-age=31536000, immutable').header('Content-Length', found.size).type(type!).send(createReadStream(file));
  });
};
