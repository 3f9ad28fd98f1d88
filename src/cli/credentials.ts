// Whom `atelier call` and the service commands act as, and where they send requests: the bootstrap
// credential in <data dir>/credentials.json, a saved profile (<data dir>/profiles/NAME.json, written
// by `credential create --profile NAME`), or --ak/--sk/--project given on the command line.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { credentialsFile } from '#src/bootstrap.ts';
import { ConfigError, type Config } from '#src/config.ts';
import type { Values } from './options.ts';
import { requireDataDir } from './target.ts';

export interface Profile {
  project_id: string;
  ak: string;
  sk: string;
  endpoint?: string;
  domain_name?: string;
  user_name?: string;
}

export interface Caller {
  ak: string;
  sk: string;
  projectId: string;
  endpoint: string;
  /** Where the credential came from, for the note on stderr. */
  source: string;
}

const PROFILE_NAME = /^[A-Za-z0-9_.-]{1,64}$/;

export const profilesDir = (dataDir: string): string => join(dataDir, 'profiles');

export function profileFile(dataDir: string, name: string): string {
  if (!PROFILE_NAME.test(name) || name.startsWith('.')) throw new ConfigError("a profile name is 1-64 letters, digits, '_', '-' or '.', not starting with '.'");
  return join(profilesDir(dataDir), `${name}.json`);
}

/** Reads a credentials-shaped file; a clear ConfigError when it is missing or not one. */
function readProfile(file: string, missing: string): Profile {
  if (!existsSync(file)) throw new ConfigError(missing);
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new ConfigError(`${file} is not JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  const p = parsed as Partial<Record<keyof Profile, unknown>>;
  for (const field of ['project_id', 'ak', 'sk'] as const)
    if (typeof p[field] !== 'string' || p[field] === '') throw new ConfigError(`${file} has no ${field}`);
  return parsed as Profile;
}

export function readBootstrapCredentials(config: Config): Profile {
  const file = credentialsFile(config.dataDir);
  return readProfile(
    file,
    `no credentials file at ${file}: the server writes it at its first start ("atelier serve"). Point at the server's data directory with --data-dir or ATELIER_DATA_DIR, or act as a user with --profile NAME or --ak AK --sk SK --project PROJECT_ID`,
  );
}

/** The bootstrap credentials' endpoint, if the file is there and records one. */
export function recordedEndpoint(config: Config): string | undefined {
  try {
    return readBootstrapCredentials(config).endpoint;
  } catch {
    return undefined;
  }
}

/** Saves a profile (mode 0600, in a 0700 folder of the data directory). */
export function saveProfile(config: Config, name: string, profile: Profile): string {
  const file = profileFile(config.dataDir, name);
  mkdirSync(profilesDir(config.dataDir), { recursive: true, mode: 0o700 });
  writeFileSync(file, `${JSON.stringify(profile, null, 2)}\n`, { mode: 0o600 });
  return file;
}

/**
 * The caller a request is signed as. --ak/--sk win (with --project, or the bootstrap project),
 * then --profile, then the bootstrap credentials. The endpoint: --endpoint, else the one the
 * credential's file records, else the bootstrap file's, else --host/--port.
 */
export function resolveCaller(values: Values, config: Config): Caller {
  const fallbackEndpoint = () =>
    recordedEndpoint(config) ?? `http://${config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host}:${config.port}`;
  let caller: Omit<Caller, 'endpoint'> & { endpoint?: string | undefined };
  if (values.ak !== undefined || values.sk !== undefined) {
    if (!values.ak || !values.sk) throw new ConfigError('--ak and --sk go together');
    let projectId = values.project;
    if (!projectId) {
      requireDataDir(config);
      projectId = readBootstrapCredentials(config).project_id;
    }
    caller = { ak: values.ak, sk: values.sk, projectId, source: '--ak/--sk' };
  } else if (values.profile !== undefined) {
    requireDataDir(config);
    const file = profileFile(config.dataDir, values.profile);
    const p = readProfile(
      file,
      `no profile ${values.profile} (${file}); "atelier credential create --domain D --user U --profile ${values.profile}" makes one`,
    );
    caller = { ak: p.ak, sk: p.sk, projectId: values.project ?? p.project_id, endpoint: p.endpoint, source: `profile ${file}` };
  } else {
    requireDataDir(config);
    const p = readBootstrapCredentials(config);
    caller = { ak: p.ak, sk: p.sk, projectId: values.project ?? p.project_id, endpoint: p.endpoint, source: credentialsFile(config.dataDir) };
  }
  if (!/^[0-9a-f]{32}$/.test(caller.projectId)) throw new ConfigError('--project is a project id here: 32 lowercase hex characters');
  const endpoint = values.endpoint ?? caller.endpoint ?? fallbackEndpoint();
  try {
    new URL(endpoint);
  } catch {
    throw new ConfigError(`the endpoint "${endpoint}" is not a URL (e.g. http://127.0.0.1:8000)`);
  }
  return { ...caller, endpoint };
}
