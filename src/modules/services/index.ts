// The services family's public face: what another family needs to run a model of the project on a
// temporary instance (pre-labeling), without a service record.
export { instanceFactory, unservable, type InstanceConfig } from './instances.ts';
export { amountOf, flavorAmount, ServiceFlavors } from './flavors.ts';
export { runStagedBatch } from './batch-staged.ts';
export { BATCH_FILES_DIR, BATCH_JOB_FILE, BATCH_RESULTS_DIR } from './batch-staged.ts';
export { LocalServerInstance, waitForServer, type ServerTarget } from './local-server-instance.ts';
export { BATCH_DRIVER_SHARE, KubeBatch, type ModelJob } from './kube-batch.ts';
export { isImageModel } from './image-models.ts';
