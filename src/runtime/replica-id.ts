import { hostname } from 'node:os';
import { hexId } from '#src/core/ids.ts';

/**
 * This process's name among replicas sharing a database. On a fixed port it is host:port, the same
 * after a restart, so a replica that crashed takes its reconciler leases back at once instead of
 * waiting for them to expire; on a random port (tests) it is unique per process.
 */
export function replicaId(port: number): string {
  return port > 0 ? `${hostname()}:${port}` : `${hostname()}:${process.pid}:${hexId().slice(0, 8)}`;
}
