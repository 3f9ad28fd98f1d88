import { ApiError, apiError } from '#src/core/errors.ts';

/** The models family's errors, over the one catalogue. */
export const modelErrors = {
  notFound: (modelId: string) => apiError(404, 'ModelArts.3001', modelId),
  exists: (name: string, version: string) => apiError(409, 'ModelArts.3002', name, version),
  inUse: (modelId: string) => apiError(500, 'ModelArts.3009', modelId),
  /** The package at the source location cannot be published; the reason is in parentheses. */
  badPackage: (reason: string) => apiError(400, 'ModelArts.3017', `(${reason})`),
  tooLarge: (location: string) => apiError(500, 'ModelArts.3044', location),
  /** `origin`: where the config came from, config.json of the package or the request's initial_config. */
  badConfig: (origin: string, detail: string): ApiError => apiError(400, 'ModelArts.3015', `${origin}: ${detail}`),
  unsupportedConfig: (field: string, detail: string): ApiError => apiError(400, 'ModelArts.3016', field, detail),
  /** Parameter (field:value) is invalid, with the reason after it. */
  invalidParam: (field: string, value: string, ...why: string[]) => apiError(400, 'ModelArts.3037', field, value, ...why),
  templateRequired: () => apiError(400, 'ModelArts.3034'),
  templateNotFound: (templateId: string) => apiError(404, 'ModelArts.3021', templateId),
};
