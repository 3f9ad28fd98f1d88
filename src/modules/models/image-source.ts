// CreateModel of model_type Image from a container image reference (the spec's "SWR image location") rather than an
// OBS folder: there is no package, so config.json is the request's initial_config, checked as a package's is, and the
// image the model runs is the reference itself. Nothing is copied or pulled here: the cluster pulls the reference
// when a service's pod starts.
import { CONTAINER_REFERENCE_FORM, isContainerReference } from '#src/core/container-reference.ts';
import { modelErrors } from './errors.ts';
import { parsePackageConfig, type PackageConfig } from './package-config.ts';

/** Whether a source_location names an image rather than an OBS folder (which starts with "/" or a scheme such as obs://). */
export const isImageLocation = (location: string): boolean => !location.startsWith('/') && !/^[a-z][a-z0-9+.-]*:\/\//i.test(location);

/** The value as an error message may show it: control characters escaped as JSON escapes them. */
const shown = (v: string) => JSON.stringify(v).slice(1, -1);

/** The checked image reference; a 400 naming source_location when it is not one. */
export function checkImageReference(location: string): string {
  if (!isContainerReference(location)) {
    throw modelErrors.invalidParam(
      'source_location',
      shown(location),
      `(an Image model's source_location is an OBS folder or a container image reference: ${CONTAINER_REFERENCE_FORM})`,
    );
  }
  return location;
}

/** config.json of a model imported from `image`: initial_config, with at least one api, its swr_location the image. */
export function imageModelConfig(image: string, initialConfig: string | undefined): PackageConfig {
  if (initialConfig === undefined)
    throw modelErrors.badConfig('initial_config', 'is required when source_location is an image: it declares the apis of the image');
  const config = parsePackageConfig(initialConfig, { origin: 'initial_config', image });
  if (config.apis.length === 0) throw modelErrors.badConfig('initial_config', 'declares no apis: the gateway calls only the apis the image declares');
  return config;
}
