// The models family's public face: the wiring builds it from its ports; services deploy its models.
export { modelsModule, type ModelsDeps } from './module.ts';
export type { ModelUsage, SourceJob, SourceJobs } from './ports.ts';
export type { DeployableModel } from './service.ts';
export type { ConfigApi, PackageConfig } from './package-config.ts';
export { ONNX_RUNTIME, jsonSchemaOf } from './package-config.ts';
export { parseSourceLocation } from './model-package.ts';
