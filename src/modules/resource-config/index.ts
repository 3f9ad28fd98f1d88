// The resource-config family's public face: the wiring builds it from its ports.
export { resourceConfigModule, type ResourceConfigDeps } from './module.ts';
