// A job on the Kubernetes executor may run in an image of its own (engine.image_url): a container image reference,
// checked for form and length here and pulled by the cluster. The row's engine_id holds `oci:<reference>`.
import { errors } from '#src/core/errors.ts';
import type { TrainingEngine } from './engines.ts';

const CUSTOM_IMAGE = 'oci:';
/** registry/path:tag or @sha256:digest, lower-case path components as the distribution spec allows. */
const REFERENCE =
  /^(?:[a-zA-Z0-9.-]+(?::\d{1,5})?\/)?[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*(?::[\w][\w.-]{0,127})?(?:@sha256:[a-f0-9]{64})?$/;
export const MAX_IMAGE_REFERENCE = 255;

export const customImageEngineId = (reference: string) => `${CUSTOM_IMAGE}${reference}`;

/** The image reference a job's engine_id names, or undefined. */
export const customImageOf = (engineId: string) => (engineId.startsWith(CUSTOM_IMAGE) ? engineId.slice(CUSTOM_IMAGE.length) : undefined);

/**
 * The image a job's image_url runs on the Kubernetes executor: a registered container image's reference when the url
 * names one (by ID or swr_path), the url itself when it names no catalogue image (checked), and undefined for a built-in
 * image (whose python runs in --kube-image).
 */
export function clusterImageOf(catalogued: { container?: string } | undefined, imageUrl: string, field: string): string | undefined {
  return catalogued ? catalogued.container : checkImageReference(imageUrl, field);
}

/** Refuses (400, naming the field) what is not an image reference. */
export function checkImageReference(reference: string, field: string): string {
  if (reference.length > MAX_IMAGE_REFERENCE || !REFERENCE.test(reference))
    throw errors.badParam(
      `${field}: ${JSON.stringify(reference.slice(0, MAX_IMAGE_REFERENCE))} is not a container image reference (registry/name:tag or @sha256:digest, at most ${MAX_IMAGE_REFERENCE} characters)`,
    );
  return reference;
}

/** A custom image as an engine: its python3 runs the .py boot file (the image must have one on its PATH). */
export function customImageEngine(reference: string): TrainingEngine {
  return {
    runtime: 'python3',
    runtimeArgs: ['-u'],
    extensions: ['.py'],
    paths: [],
    response: {
      engine_id: customImageEngineId(reference),
      engine_name: reference,
      engine_version: '',
      v1_compatible: false,
      run_user: '1000',
      image_info: { cpu_image_url: reference, gpu_image_url: '', image_version: '' },
    },
  };
}
