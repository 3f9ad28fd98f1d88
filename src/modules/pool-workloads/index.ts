// The pool-workloads family's public face: the workload schema.
export { Workload } from './schemas.ts';
