import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ApiError, errors } from '#src/core/errors.ts';
import type { Clock } from '#src/core/time.ts';
import { canonicalRequest, parseAuthorization, parseQuery, parseSdkDate, signature, stringToSign, type AuthorizationHeader } from './canonical-request.ts';
import type { IdentityService } from './identity-service.ts';
import type { Principal } from './principal.ts';

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
    /** Set in onRequest when the request is AK/SK-signed; the signature is checked once the body is read. */
    pendingSignature?: { auth: AuthorizationHeader; secretKey: string };
  }
}

function header(req: FastifyRequest, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

export interface AuthOptions {
  identity: IdentityService;
  clock: Clock;
  signatureWindowSeconds: number;
}

/** The project a request acts in: the path's {project_id}, else X-Project-Id. */
function requestedProject(req: FastifyRequest): string | undefined {
  const params = req.params as Record<string, string> | undefined;
  return params?.project_id ?? header(req, 'x-project-id');
}

/**
 * Authenticates every non-public route: X-Auth-Token, or an SDK-HMAC-SHA256 signature (checked in
 * preValidation, over the raw body). Then the caller must belong to the project the request names.
 */
export function registerAuth(app: FastifyInstance, opts: AuthOptions): void {
  app.addHook('onRequest', async (req) => {
    if (req.is404 || req.routeOptions.config.public || req.routeOptions.url?.startsWith('/docs')) return;
    const token = header(req, 'x-auth-token');
    const authorization = header(req, 'authorization');
    const project = requestedProject(req);
    const xProject = header(req, 'x-project-id');
    const pathProject = (req.params as Record<string, string> | undefined)?.project_id;
    if (xProject !== undefined && pathProject !== undefined && xProject !== pathProject) {
      throw errors.projectMismatch('X-Project-Id does not match the project in the path.');
    }

    if (token !== undefined) {
      const r = await opts.identity.resolveToken(token);
      if (r === 'unknown') throw errors.invalidToken();
      if (r === 'expired') throw errors.expiredToken();
      if (project !== undefined && project !== r.projectId) {
        throw errors.projectMismatch(`The token is scoped to project ${r.projectId}.`);
      }
      req.principal = principalOf(r.user, r.projectId, 'token');
      return;
    }
    if (authorization === undefined) throw errors.noCredentials();

    const auth = parseAuthorization(authorization);
    if (!auth) throw errors.badAuthHeader('Expected "SDK-HMAC-SHA256 Access=..., SignedHeaders=..., Signature=...".');
    for (const required of ['host', 'x-sdk-date']) {
      if (!auth.signedHeaders.includes(required)) throw errors.badAuthHeader(`SignedHeaders must include ${required}.`);
    }
    const date = parseSdkDate(header(req, 'x-sdk-date') ?? '');
    if (!date) throw errors.badAuthHeader('X-Sdk-Date must look like 20250101T000000Z.');
    if (Math.abs(opts.clock.now() - date.getTime()) > opts.signatureWindowSeconds * 1000) {
      throw errors.badSignature(`X-Sdk-Date is more than ${opts.signatureWindowSeconds} s away from the server's clock.`);
    }
    const owner = await opts.identity.accessKeyOwner(auth.access);
    if (!owner) throw errors.badSignature('Unknown access key.');
    if (project !== undefined && !(await opts.identity.isMember(project, owner.user.id))) {
      throw errors.projectMismatch(`The caller is not a member of project ${project}.`);
    }
    req.principal = principalOf(owner.user, project ?? '', 'aksk');
    req.pendingSignature = { auth, secretKey: owner.secretKey };
  });

  app.addHook('preValidation', async (req) => {
    const pending = req.pendingSignature;
    if (!pending) return;
    const [rawPath = '/', rawQuery = ''] = splitUrl(req.raw.url ?? '/');
    let canonical: string;
    try {
      canonical = canonicalRequest({
        method: req.method,
        rawPath,
        query: parseQuery(rawQuery),
        headers: req.headers,
        signedHeaders: pending.auth.signedHeaders,
        body: req.rawBody,
      });
    } catch (e) {
      if (e instanceof URIError) throw errors.badSignature('The URL has a malformed percent-escape.');
      throw e;
    }
    const dateHeader = req.headers['x-sdk-date'];
    const expected = signature(pending.secretKey, stringToSign(String(dateHeader), canonical));
    const a = Buffer.from(expected, 'hex');
    const b = Buffer.from(pending.auth.signature, 'hex');
    if (a.length !== b.length || !timingSafeEqual(a, b)) throw errors.badSignature('The signature does not match.');
  });
}

function splitUrl(url: string): [string, string] {
  const q = url.indexOf('?');
  return q < 0 ? [url, ''] : [url.slice(0, q), url.slice(q + 1)];
}

function principalOf(
  user: { id: string; name: string; role: Principal['role']; domain_id: string; domain_name: string },
  projectId: string,
  via: Principal['via'],
): Principal {
  return { domainId: user.domain_id, domainName: user.domain_name, userId: user.id, userName: user.name, role: user.role, projectId, via };
}

/** The principal of an authenticated route; the auth hook guarantees it exists. */
export function principal(req: FastifyRequest): Principal {
  if (!req.principal) throw new ApiError(401, 'ModelArts.0205', 'No authorization request header.');
  return req.principal;
}
