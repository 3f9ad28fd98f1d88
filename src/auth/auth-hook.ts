import type { IncomingHttpHeaders } from 'node:http';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ApiError, errors } from '#src/core/errors.ts';
import type { Clock } from '#src/core/time.ts';
import { canonicalRequest, parseAuthorization, parseQuery, parseSdkDate, stringToSign, type AuthorizationHeader, type SigningKey } from './canonical-request.ts';
import type { AccessKeyOwner, IdentityService } from './identity-service.ts';
import type { Principal } from './principal.ts';

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | undefined;
    /** Set in onRequest when the request is AK/SK-signed; the signature is checked once the body is read. */
    pendingSignature: PendingSignature | undefined;
  }
}

interface PendingSignature {
  auth: AuthorizationHeader;
  sdkDate: string;
  signingKey: SigningKey;
}

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

export interface AuthOptions {
  identity: IdentityService;
  clock: Clock;
  signatureWindowSeconds: number;
}

/** The two steps of authentication, which the request hooks (src/http/request-hooks.ts) run on every route that is not public. */
export interface RequestAuth {
  /** Sets req.principal. Throws the ApiError of a refusal; returns a promise only when it had to wait. */
  authenticate(req: FastifyRequest): Promise<void> | undefined;
  /** Checks a pending AK/SK signature over the raw body, once it is read. Throws on a mismatch. */
  verify(req: FastifyRequest): void;
}

/**
 * Authentication: X-Auth-Token, or an SDK-HMAC-SHA256 signature (checked once the body is read).
 * Then the caller must belong to the project the request names. With the access key and the
 * membership in the identity cache, a signed request is authenticated without a promise or a
 * database round trip.
 */
export function requestAuth(app: FastifyInstance, opts: AuthOptions): RequestAuth {
  app.decorateRequest('principal', undefined);
  app.decorateRequest('pendingSignature', undefined);
  return {
    authenticate: (req) => authenticate(req, opts),
    verify(req) {
      if (req.pendingSignature) verifySignature(req, req.pendingSignature);
    },
  };
}

/**
 * Sets the principal of the request, acting in the path's {project_id}, else X-Project-Id. Throws
 * the ApiError of a refusal; returns a promise only when it has to ask the database.
 */
function authenticate(req: FastifyRequest, opts: AuthOptions): Promise<void> | undefined {
  const headers = req.raw.headers;
  const token = header(headers, 'x-auth-token');
  const authorization = header(headers, 'authorization');
  const xProject = header(headers, 'x-project-id');
  const pathProject = (req.params as Record<string, string> | undefined)?.project_id;
  if (xProject !== undefined && pathProject !== undefined && xProject !== pathProject) {
    throw errors.projectMismatch('X-Project-Id does not match the project in the path.');
  }
  const project = pathProject ?? xProject;

  if (token !== undefined) return authenticateToken(req, opts, token, project);
  if (authorization === undefined) throw errors.noCredentials();

  const auth = parseAuthorization(authorization);
  if (!auth) throw errors.badAuthHeader('Expected "SDK-HMAC-SHA256 Access=..., SignedHeaders=..., Signature=...".');
  for (const required of ['host', 'x-sdk-date']) {
    if (!auth.signedHeaders.includes(required)) throw errors.badAuthHeader(`SignedHeaders must include ${required}.`);
  }
  const sdkDate = header(headers, 'x-sdk-date') ?? '';
  const date = parseSdkDate(sdkDate);
  if (date === undefined) throw errors.badAuthHeader('X-Sdk-Date must look like 20250101T000000Z.');
  if (Math.abs(opts.clock.now() - date) > opts.signatureWindowSeconds * 1000) {
    throw errors.badSignature(`X-Sdk-Date is more than ${opts.signatureWindowSeconds} s away from the server's clock.`);
  }

  const cached = opts.identity.cachedAccessKeyOwner(auth.access);
  if (cached && (project === undefined || opts.identity.cachedMembership(project, cached.user.id))) {
    acceptSigned(req, auth, sdkDate, cached, project);
    return undefined;
  }
  return (async () => {
    const owner = await opts.identity.accessKeyOwner(auth.access);
    if (!owner) throw errors.badSignature('Unknown access key.');
    if (project !== undefined && !(await opts.identity.isMember(project, owner.user.id))) {
      throw errors.projectMismatch(`The caller is not a member of project ${project}.`);
    }
    acceptSigned(req, auth, sdkDate, owner, project);
  })();
}

async function authenticateToken(req: FastifyRequest, opts: AuthOptions, token: string, project: string | undefined): Promise<void> {
  const r = await opts.identity.resolveToken(token);
  if (r === 'unknown') throw errors.invalidToken();
  if (r === 'expired') throw errors.expiredToken();
  if (project !== undefined && project !== r.projectId) {
    throw errors.projectMismatch(`The token is scoped to project ${r.projectId}.`);
  }
  req.principal = principalOf(r.user, r.projectId, 'token');
}

function acceptSigned(req: FastifyRequest, auth: AuthorizationHeader, sdkDate: string, owner: AccessKeyOwner, project: string | undefined): void {
  req.principal = principalOf(owner.user, project ?? '', 'aksk');
  req.pendingSignature = { auth, sdkDate, signingKey: owner.signingKey };
}

function verifySignature(req: FastifyRequest, pending: PendingSignature): void {
  const [rawPath = '/', rawQuery = ''] = splitUrl(req.raw.url ?? '/');
  let canonical: string;
  try {
    canonical = canonicalRequest({
      method: req.method,
      rawPath,
      query: parseQuery(rawQuery),
      headers: req.raw.headers,
      signedHeaders: pending.auth.signedHeaders,
      body: req.rawBody,
    });
  } catch (e) {
    if (e instanceof URIError) throw errors.badSignature('The URL has a malformed percent-escape.');
    throw e;
  }
  const toSign = stringToSign(pending.sdkDate, canonical);
  if (!pending.signingKey.matches(toSign, pending.auth.signature)) throw errors.badSignature('The signature does not match.');
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
