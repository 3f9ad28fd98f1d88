// The processor-tasks family's public face: the client reads the wire schemas; the CLI runs a version staged in a pod.
export type { ProcessorService } from './service.ts';
export { runStagedJob } from './run-staged.ts';
