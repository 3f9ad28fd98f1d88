// A model of type Image, as the kubernetes executor runs it: the image its config.json names (swr_location), and the
// health check its config.json declares (checked here, so a bad one is refused when the service is created, not in
// the pod). Whether the image's apis speak HTTP or HTTPS is the gateway's concern (inference-gateway.ts).
import { ONNX_RUNTIME, type DeployableModel } from '#src/modules/models/index.ts';
import type { ImageHealth } from '#src/runtime/kubernetes/image-service-manifest.ts';

export interface ImageServer {
  image: string;
  health?: ImageHealth;
}

/** A count of seconds the config gives as a string ("30"); `min` is the least allowed. */
function seconds(v: string | undefined, field: string, min: number): number | string | undefined {
  if (v === undefined || v.trim() === '') return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > 3600) return `config.json ${field} "${v}" is not a whole number of seconds from ${min} to 3600`;
  return n;
}

/** The image and health check of an Image model, or why its config cannot run. */
export function imageServerOf(model: DeployableModel): ImageServer | string {
  const image = model.config.swr_location?.trim();
  if (!image) return 'config.json names no image (swr_location)';
  if (/\s/.test(image)) return `swr_location "${image}" is not an image address`;
  const h = model.config.health;
  if (!h) return { image };
  if (!h.url.startsWith('/')) return `config.json health.url "${h.url}" must be a path starting with "/"`;
  const protocol = (h.protocol ?? 'http').toLowerCase();
  if (protocol !== 'http' && protocol !== 'https') return `config.json health.protocol "${h.protocol}" must be http or https`;
  const delay = seconds(h.initial_delay_seconds, 'health.initial_delay_seconds', 0);
  const timeout = seconds(h.timeout_seconds, 'health.timeout_seconds', 1);
  if (typeof delay === 'string') return delay;
  if (typeof timeout === 'string') return timeout;
  return {
    image,
    health: {
      path: h.url,
      scheme: protocol === 'https' ? 'HTTPS' : 'HTTP',
      ...(delay !== undefined ? { initialDelaySeconds: delay } : {}),
      ...(timeout !== undefined ? { timeoutSeconds: timeout } : {}),
    },
  };
}

export const isImageModel = (model: Pick<DeployableModel, 'modelType' | 'runtime'>) => model.modelType === 'Image' && model.runtime !== ONNX_RUNTIME;
