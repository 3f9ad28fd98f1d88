// The services family's public face: what another family needs to run a model of the project on a
// temporary instance (pre-labeling), without a service record.
export { instanceFactory, unservable, type InstanceConfig } from './instances.ts';
export { amountOf, flavorAmount, ServiceFlavors } from './flavors.ts';
export { runStagedBatch } from './batch-staged.ts';
