import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ApiError, apiError, errors } from '#src/core/errors.ts';
import { secretAccessKey } from '#src/core/ids.ts';
import type { Clock } from '#src/core/time.ts';
import {
  SigningKey,
  canonicalRequest,
  EMPTY_BODY_SHA256,
  UNSIGNED_PAYLOAD,
  isPayloadRefusal,
  parseAuthorization,
  parseQuery,
  parseSdkDate,
  stringToSign,
  verifiedPayloadHash,
  type AuthorizationHeader,
  type PayloadRefusal,
} from './canonical-request.ts';
import { FailureLimiter, tooManyFailures, type FailureLimits } from './failure-limiter.ts';
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
  /** The SK's key; for an unknown AK a key of no one's, so that refusal costs the same work. */
  signingKey: SigningKey;
  known: boolean;
  /** Thrown once the signature is found good (the caller is not a member of the project). */
  refusal: ApiError | undefined;
}

// Unknown AKs and bad signatures get one answer: which AKs exist is not told, by message or by time.
const SIGNATURE_REFUSED = 'The access key is unknown or the signature does not match.';
const PAYLOAD_REFUSALS: Record<PayloadRefusal, string> = {
  'content-sha256-mismatch': 'X-Sdk-Content-Sha256 is signed but is not the SHA-256 of the body.',
  'unsigned-payload-not-allowed': 'X-Sdk-Content-Sha256: UNSIGNED-PAYLOAD is accepted only when signed, on a route whose body is a stream.',
};

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

export interface AuthOptions {
  identity: IdentityService;
  clock: Clock;
  signatureWindowSeconds: number;
  /** Bad signatures allowed per AK in a window before they are answered with 429. */
  failureLimits: FailureLimits;
}

/** What authentication reads and sets of a request: a Fastify request, or a bare one adapted (rawCredential). */
type AuthTarget = Pick<FastifyRequest, 'raw' | 'params' | 'method' | 'rawBody' | 'principal' | 'pendingSignature'>;

/** The two steps of authentication, which the request hooks (src/http/request-hooks.ts) run on every route that is not public. */
export interface RequestAuth {
  /** Sets req.principal. Throws the ApiError of a refusal; returns a promise only when it had to wait. */
  authenticate(req: FastifyRequest): Promise<void> | undefined;
  /**
   * Checks a pending AK/SK signature over the raw body, once it is read. Throws on a mismatch.
   * `streamBody`: the route takes a stream, where a signed UNSIGNED-PAYLOAD stands for the body.
   */
  verify(req: FastifyRequest, streamBody: boolean): void;
  /**
   * Both steps for a request outside Fastify's routes (a proxied one, a WebSocket upgrade) acting in
   * `projectId`, whose body is not read: signed with UNSIGNED-PAYLOAD, or bodyless. The principal, or
   * the ApiError of a refusal, with the same rules, messages and failure limits as every API.
   */
  rawCredential(raw: IncomingMessage, projectId: string): Promise<Principal>;
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
  const limiter = new FailureLimiter(opts.failureLimits, opts.clock);
  const nobodysKey = new SigningKey(secretAccessKey());
  return {
    authenticate(req) {
      const waiting = authenticate(req, opts, limiter, nobodysKey);
      if (waiting) return waiting.then(() => refuseWorkerOutsideWorkerRoutes(req));
      refuseWorkerOutsideWorkerRoutes(req);
      return undefined;
    },
    verify(req, streamBody) {
      const pending = req.pendingSignature;
      if (pending) verifySignature(req, pending, verifiedPayloadHash(req.raw.headers, pending.auth.signedHeaders, req.rawBody, streamBody), limiter);
    },
    async rawCredential(raw, projectId) {
      const target: AuthTarget = {
        raw,
        params: { project_id: projectId },
        method: raw.method ?? 'GET',
        rawBody: undefined,
        principal: undefined,
        pendingSignature: undefined,
      };
      await authenticate(target, opts, limiter, nobodysKey);
      const pending = target.pendingSignature;
      if (pending) {
        const unsigned = pending.auth.signedHeaders.includes('x-sdk-content-sha256') && header(raw.headers, 'x-sdk-content-sha256') === UNSIGNED_PAYLOAD;
        verifySignature(target, pending, unsigned ? UNSIGNED_PAYLOAD : EMPTY_BODY_SHA256, limiter);
      }
      if (!target.principal) throw errors.noCredentials();
      // No route here is marked for workers (a notebook, a WebSocket): a worker is refused.
      if (target.principal.role === 'worker') throw workerRefused();
      return target.principal;
    },
  };
}

const workerRefused = () => apiError(403, 'ModelArts.4600', '(a labeling team member may call only the worker APIs)');

/**
 * A labeling team member's identity may call only the routes marked `workerRoute`; every other
 * route refuses it, so a new route is closed to workers unless it says otherwise. The route's
 * config is read only for a worker: routeOptions is built anew on each read.
 */
function refuseWorkerOutsideWorkerRoutes(req: FastifyRequest): void {
  if (req.principal?.role === 'worker' && req.routeOptions.config.workerRoute !== true) throw workerRefused();
}

/** The 401 of a bad signature, or the 429 once the AK has had too many. */
function signatureFailure(limiter: FailureLimiter, ak: string, message: string): ApiError {
  return limiter.fail(ak) ? tooManyFailures(`access key ${ak}`, limiter.retryAfterSeconds(ak)) : errors.badSignature(message);
}

/**
 * Sets the principal of the request, acting in the path's {project_id}, else X-Project-Id. Throws
 * the ApiError of a refusal; returns a promise only when it has to ask the database.
 */
function authenticate(req: AuthTarget, opts: AuthOptions, limiter: FailureLimiter, nobodysKey: SigningKey): Promise<void> | undefined {
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
    throw signatureFailure(limiter, auth.access, `X-Sdk-Date is more than ${opts.signatureWindowSeconds} s away from the server's clock.`);
  }

  const cached = opts.identity.cachedAccessKeyOwner(auth.access);
  if (cached && (project === undefined || opts.identity.cachedMembership(project, cached.user.id))) {
    acceptSigned(req, auth, sdkDate, cached, project);
    return undefined;
  }
  // An unknown AK and a non-member are refused only after the signature check, like a bad
  // signature of a member: a refusal before it would tell which AKs exist.
  return (async () => {
    const owner = await opts.identity.accessKeyOwner(auth.access);
    if (!owner) {
      req.pendingSignature = { auth, sdkDate, signingKey: nobodysKey, known: false, refusal: undefined };
      return;
    }
    if (project !== undefined && !(await opts.identity.isMember(project, owner.user.id))) {
      const refusal = errors.projectMismatch(`The caller is not a member of project ${project}.`);
      req.pendingSignature = { auth, sdkDate, signingKey: owner.signingKey, known: true, refusal };
      return;
    }
    acceptSigned(req, auth, sdkDate, owner, project);
  })();
}

async function authenticateToken(req: AuthTarget, opts: AuthOptions, token: string, project: string | undefined): Promise<void> {
  const r = await opts.identity.resolveToken(token);
  if (r === 'unknown') throw errors.invalidToken();
  if (r === 'expired') throw errors.expiredToken();
  if (project !== undefined && project !== r.projectId) {
    throw errors.projectMismatch(`The token is scoped to project ${r.projectId}.`);
  }
  req.principal = principalOf(r.user, r.projectId, 'token');
}

function acceptSigned(req: AuthTarget, auth: AuthorizationHeader, sdkDate: string, owner: AccessKeyOwner, project: string | undefined): void {
  req.principal = principalOf(owner.user, project ?? '', 'aksk');
  req.pendingSignature = { auth, sdkDate, signingKey: owner.signingKey, known: true, refusal: undefined };
}

function verifySignature(req: AuthTarget, pending: PendingSignature, payloadHash: string | PayloadRefusal, limiter: FailureLimiter): void {
  const { auth } = pending;
  const headers = req.raw.headers;
  if (isPayloadRefusal(payloadHash)) throw signatureFailure(limiter, auth.access, PAYLOAD_REFUSALS[payloadHash]);
  const [rawPath = '/', rawQuery = ''] = splitUrl(req.raw.url ?? '/');
  let canonical: string;
  try {
    canonical = canonicalRequest({ method: req.method, rawPath, query: parseQuery(rawQuery), headers, signedHeaders: auth.signedHeaders, payloadHash });
  } catch (e) {
    if (e instanceof URIError) throw signatureFailure(limiter, auth.access, 'The URL has a malformed percent-escape.');
    throw e;
  }
  const toSign = stringToSign(pending.sdkDate, canonical);
  // `&&` after the HMAC: an unknown AK does the same work as a known one.
  if (!(pending.signingKey.matches(toSign, auth.signature) && pending.known)) throw signatureFailure(limiter, auth.access, SIGNATURE_REFUSED);
  if (pending.refusal) throw pending.refusal;
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
