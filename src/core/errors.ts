import { errorCatalog } from './error-catalog.ts';

type CatalogRow = (typeof errorCatalog)[number];
export type ErrorStatus = CatalogRow[0];
/** Codes the spec lists under the given HTTP status. */
export type CodeFor<S extends ErrorStatus> = Extract<CatalogRow, readonly [S, string, string]>[1];

const templates = new Map<string, string>(errorCatalog.map(([status, code, message]) => [`${status} ${code}`, message]));

const placeholder = /\{[^}]*\}|%s/g;

/** Fills the template's placeholders ({}, {0}, {name}, %s) in order; extra details follow the text. */
export function formatMessage(template: string, args: readonly string[]): string {
  let i = 0;
  const filled = template.replace(placeholder, (m) => (i < args.length ? String(args[i++]) : m));
  const rest = args.slice(i);
  return rest.length === 0 ? filled : `${filled} ${rest.join(' ')}`;
}

/** The one error type: HTTP status, ModelArts error code and message, rendered as {error_code, error_msg}. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  toBody(): { error_code: string; error_msg: string } {
    return { error_code: this.code, error_msg: this.message };
  }
}

/**
 * An error from the spec's catalogue. The (status, code) pair is checked at compile time against the
 * table in error_codes.rst; `details` fill the message's placeholders, the rest is appended.
 */
export function apiError<S extends ErrorStatus>(status: S, code: CodeFor<S>, ...details: string[]): ApiError {
  const template = templates.get(`${status} ${code}`) ?? '';
  return new ApiError(status, code, formatMessage(template, details));
}

// Errors used across families, named for what they mean.
export const errors = {
  /** Schema validation or a rule on one field; the message names the field. */
  badParam: (detail: string) => apiError(400, 'ModelArts.0104', detail),
  invalidJson: (detail: string) => apiError(400, 'ModelArts.4105', detail),
  bodyTooLarge: (limit: number) => apiError(413, 'ModelArts.4104', `(limit ${limit} bytes)`),
  noCredentials: () => apiError(401, 'ModelArts.0205', 'Send X-Auth-Token or an SDK-HMAC-SHA256 Authorization header.'),
  badAuthHeader: (detail: string) => apiError(401, 'ModelArts.0206', detail),
  badSignature: (detail: string) => apiError(401, 'ModelArts.0208', detail),
  invalidToken: () => apiError(401, 'ModelArts.0203'),
  expiredToken: () => apiError(401, 'ModelArts.0202'),
  projectMismatch: (detail: string) => apiError(403, 'ModelArts.0210', detail),
  forbidden: (action: string) => apiError(403, 'ModelArts.0108', action),
  /** The catalogue's 4901 speaks of APIG app-auth APIs; the code is kept, in plain words. */
  routeNotFound: (method: string, url: string) => new ApiError(404, 'ModelArts.4901', `No such API: ${method} ${url}. The APIs served are listed at /docs.`),
  internal: (requestId: string) => apiError(500, 'ModelArts.0010', `Request id: ${requestId}.`),
};
