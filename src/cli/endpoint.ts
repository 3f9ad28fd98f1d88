// Where the server listens, recorded in credentials.json for `atelier call` and the service commands.
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { credentialsFile } from '#src/bootstrap.ts';
import type { Config } from '#src/config.ts';

/** Where a client on this machine reaches the server: a wildcard address becomes the loopback one. */
export function endpointOf(config: Config, address: string | AddressInfo | null): string {
  const port = address !== null && typeof address === 'object' ? address.port : config.port;
  const host = config.host === '0.0.0.0' ? '127.0.0.1' : config.host === '::' ? '[::1]' : config.host.includes(':') ? `[${config.host}]` : config.host;
  return `http://${host}:${port}`;
}

/**
 * Keeps `endpoint` in credentials.json where the server listens now (after a restart on another
 * port, or on port 0). The other fields stay as they were; the file is replaced whole (written
 * beside it, then renamed), mode 0600. No file, or one that is not JSON: left alone.
 */
export function recordEndpoint(config: Config, endpoint: string): void {
  const file = credentialsFile(config.dataDir);
  let creds: Record<string, unknown>;
  try {
    creds = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch {
    return;
  }
  if (creds.endpoint === endpoint) return;
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify({ ...creds, endpoint }, null, 2)}\n`, { mode: 0o600 });
  renameSync(tmp, file);
}
