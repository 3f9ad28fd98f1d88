import { apiError } from '#src/core/errors.ts';

// The gateway's "backend service" code, answered as a 504 (timeout) or a 500 (no instance reachable).
const BACKEND_FAILED = 'ModelArts.4503';

/** The services family's errors, over the one catalogue. */
export const serviceErrors = {
  notFound: (serviceId: string) => apiError(404, 'ModelArts.3502', serviceId),
  nameTaken: (name: string) => apiError(409, 'ModelArts.3503', name),
  modelNotFound: (modelId: string) => apiError(404, 'ModelArts.3507', modelId),
  noInputParams: () => apiError(400, 'ModelArts.3514'),
  modelPublishing: (modelId: string) => apiError(400, 'ModelArts.3515', modelId),
  sameModelVersion: () => apiError(400, 'ModelArts.3516'),
  inferTypeUnavailable: (inferType: string) => apiError(400, 'ModelArts.3518', inferType),
  clusterNotFound: (clusterId: string) => apiError(400, 'ModelArts.3547', clusterId),
  /** The model cannot be deployed as this service type; the reason is in parentheses. */
  modelNotDeployable: (modelId: string, inferType: string, reason: string) => apiError(400, 'ModelArts.3589', modelId, inferType, `(${reason})`),
  insufficientResources: (detail: string) => apiError(400, 'ModelArts.3952', `(${detail})`),
  alreadyRunning: () => apiError(400, 'ModelArts.6305'),
  alreadyStopped: () => apiError(400, 'ModelArts.6307'),
  notRunning: (detail: string) => apiError(400, 'ModelArts.6327', `(${detail})`),
  predictionTimeout: (detail: string) => apiError(504, BACKEND_FAILED, detail),
  modelUnreachable: (detail: string) => apiError(500, BACKEND_FAILED, detail),
  modelFailed: (detail: string) => apiError(500, 'ModelArts.6102', `(${detail})`),
};
