// The services family's public face: the wiring builds it from its ports, and gives the models
// family the services' model usage (read from the services table) before either is built.
export { servicesModule, type ServicesDeps } from './module.ts';
export { modelUsage } from './model-usage.ts';
