// The algorithms family: what other families may use. Training jobs run an algorithm's code, so
// they share its code checks, its errors and the schemas of what a job repeats from an algorithm.
export type { AlgorithmRecord, AlgorithmService } from './service.ts';
export {
  checkBootFileRuntime,
  checkChannels,
  checkCode,
  checkImageBootFile,
  checkParameters,
  imageUrlOf,
  resolveEngine,
  resolveImage,
  type CheckedCode,
  type CodeEngine,
  type PathAccess,
} from './code-checks.ts';
export type { ImageCatalogue, RuntimeImage } from './ports.ts';
export { codeErrors, resourceNotFound } from './errors.ts';
export { Description, Engine, JobAutoSearch, Parameter, ResourceName, TrainingPageFields } from './schemas.ts';
