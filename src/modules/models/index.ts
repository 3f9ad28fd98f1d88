// The models family's public face: what services need to deploy its models, and the ports models take.
export type { ModelUsage, SourceJob, SourceJobs } from './ports.ts';
export type { DeployableModel } from './service.ts';
export type { ConfigApi, PackageConfig } from './package-config.ts';
export { ONNX_RUNTIME, jsonSchemaOf } from './package-config.ts';
export { parseSourceLocation } from './model-package.ts';
export { isImageLocation } from './image-source.ts';
