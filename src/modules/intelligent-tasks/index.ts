// The intelligent tasks family's public face: the command a pre-labeling pod runs (src/cli).
export type { TaskType } from './schemas.ts';
export { runStagedPrelabel } from './prelabel-staged.ts';
