// The `atelier` command line: `serve`, and admin commands over the same data directory / database.
import './v8-workarounds/index.ts';
import { createWriteStream, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pino from 'pino';
import { buildApp, type AtelierApp } from './app.ts';
import { bootstrap, credentialsFile, type BootstrapCredentials } from './bootstrap.ts';
import { ConfigError, loadConfig, settings, type Config, type SettingName } from './config.ts';
import { IdentityError } from './auth/identity-service.ts';
import { AtelierClient } from './client/index.ts';
import { securePrivateDir } from './runtime/sandbox/private-files.ts';
import { bucketCommand, bucketUsage } from './cli/bucket-commands.ts';

const usage = `atelier <command> [options]

Commands:
  serve                                   start the server (first start creates credentials.json)
  domain create --name N                  create an account (domain)
  user create --domain D --name N [--password P] [--role admin|user]
  user list
  project create --domain D --name N [--id HEX32] [--user U]...
  project add-member --domain D --project P --user U
  project remove-member --domain D --project P --user U
  project list
  credential create --domain D --user U [--description T]   print a new AK/SK
  credential list
  credential delete --ak AK
${bucketUsage}
  call METHOD PATH[?QUERY] [--body JSON]  signed request with the credentials in credentials.json

Buckets belong to an account (domain): only it, and the accounts it is granted to, may name the
bucket in an API path. A bucket that exists without a recorded owner (a folder dropped into
<data dir>/obs/) belongs to the server's account, the first one; a new bucket belongs to the first
account that writes to it.

Server options (also ATELIER_* environment variables):
${settings.map((s) => `  --${s.flag.padEnd(18)} ${s.env.padEnd(26)} ${s.about} (default ${s.default})`).join('\n')}
`;

const commandOptions = {
  name: { type: 'string' },
  domain: { type: 'string' },
  password: { type: 'string' },
  role: { type: 'string' },
  id: { type: 'string' },
  user: { type: 'string', multiple: true },
  project: { type: 'string' },
  description: { type: 'string' },
  ak: { type: 'string' },
  body: { type: 'string' },
  bucket: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

type Values = ReturnType<typeof parse>['values'];

function parse(argv: string[]) {
  const configOptions = Object.fromEntries(settings.map((s) => [s.flag, { type: 'string' as const }]));
  return parseArgs({ args: argv, options: { ...commandOptions, ...configOptions }, allowPositionals: true, strict: true });
}

function need(values: Values, name: keyof typeof commandOptions): string {
  const v = values[name];
  const s = Array.isArray(v) ? v[0] : v;
  if (typeof s !== 'string' || s === '') throw new ConfigError(`--${name} is required`);
  return s;
}

function configFrom(values: Values, logLevel?: Config['logLevel']): Config {
  const flags: Partial<Record<SettingName, string>> = {};
  for (const s of settings) {
    const v = (values as Record<string, unknown>)[s.flag];
    if (typeof v === 'string') flags[s.flag] = v;
  }
  const config = loadConfig(process.env, flags);
  return logLevel && !flags['log-level'] && !process.env.ATELIER_LOG_LEVEL ? { ...config, logLevel } : config;
}

async function serve(values: Values): Promise<void> {
  const config = configFrom(values);
  // The data directory and its secret files are the server's alone (0700 / 0600).
  securePrivateDir(config.dataDir);
  mkdirSync(join(config.dataDir, 'logs'), { recursive: true, mode: 0o700 });
  const logStream = pino.multistream([
    { stream: process.stdout },
    { stream: createWriteStream(join(config.dataDir, 'logs', 'atelier.log'), { flags: 'a', mode: 0o600 }) },
  ]);
  const atelier = await buildApp(config, { logStream });
  const created = await bootstrap(atelier.context);
  if (created) printBootstrap(created, config);
  await atelier.recover();
  await atelier.app.listen({ host: config.host, port: config.port });
  atelier.startBackground();
  const stop = async () => {
    await atelier.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
}

function printBootstrap(c: BootstrapCredentials, config: Config): void {
  process.stdout.write(
    `\nAtelier first start: created domain "${c.domain_name}", user "${c.user_name}", project "${c.project_name}".\n` +
      `  project_id ${c.project_id}\n  AK         ${c.ak}\n  SK         ${c.sk}\n  password   ${c.password}\n` +
      `Saved (mode 0600) in ${credentialsFile(config.dataDir)}; shown only this once.\n\n`,
  );
}

async function withApp<T>(values: Values, fn: (a: AtelierApp) => Promise<T>): Promise<T> {
  const atelier = await buildApp(configFrom(values, 'warn'));
  try {
    return await fn(atelier);
  } finally {
    await atelier.close();
  }
}

const print = (rows: unknown): void => void process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);

async function admin(noun: string, verb: string, values: Values): Promise<void> {
  await withApp(values, async ({ context: { identity } }) => {
    switch (`${noun} ${verb}`) {
      case 'domain create':
        return print(await identity.createDomain(need(values, 'name')));
      case 'user create': {
        const generated = values.password === undefined;
        const password = values.password ?? Buffer.from(crypto.getRandomValues(new Uint8Array(18))).toString('base64url');
        const role = values.role ?? 'user';
        if (role !== 'admin' && role !== 'user') throw new ConfigError('--role must be admin or user');
        const u = await identity.createUser(need(values, 'domain'), need(values, 'name'), password, role);
        return print({ id: u.id, name: u.name, domain: u.domain_name, role: u.role, ...(generated ? { password } : {}) });
      }
      case 'user list':
        return print((await identity.listUsers()).map((u) => ({ id: u.id, name: u.name, domain: u.domain_name, role: u.role })));
      case 'project create': {
        const domain = need(values, 'domain');
        const p = await identity.createProject(domain, need(values, 'name'), values.id);
        for (const name of values.user ?? []) await identity.addMember(p, await identity.user(domain, name));
        return print(p);
      }
      case 'project add-member': {
        const domain = need(values, 'domain');
        await identity.addMember(await identity.project(domain, need(values, 'project')), await identity.user(domain, need(values, 'user')));
        return print({ result: 'ok' });
      }
      case 'project remove-member': {
        const domain = need(values, 'domain');
        const project = await identity.project(domain, need(values, 'project'));
        const user = await identity.user(domain, need(values, 'user'));
        if (!(await identity.removeMember(project.id, user.id))) throw new IdentityError(`${user.name} is not a member of project ${project.name}`);
        return print({ result: 'ok' });
      }
      case 'project list':
        return print(await identity.listProjects());
      case 'credential create': {
        const user = await identity.user(need(values, 'domain'), need(values, 'user'));
        return print({ ...(await identity.createAccessKey(user, values.description ?? '')), user: user.name });
      }
      case 'credential list':
        return print(await identity.listAccessKeys());
      case 'credential delete':
        if (!(await identity.deleteAccessKey(need(values, 'ak')))) throw new IdentityError('no such access key');
        return print({ result: 'ok' });
      default:
        throw new ConfigError(`unknown command "${noun} ${verb}"\n\n${usage}`);
    }
  });
}

/** A signed call with the bootstrap credentials: the SDK's way of calling, without an SDK. */
async function call(method: string, path: string, values: Values): Promise<void> {
  const config = configFrom(values);
  const creds = JSON.parse(readFileSync(credentialsFile(config.dataDir), 'utf8')) as BootstrapCredentials;
  const client = new AtelierClient(`http://${config.host}:${config.port}`, {
    kind: 'aksk',
    ak: creds.ak,
    sk: creds.sk,
    projectId: creds.project_id,
  });
  const res = await client.http.raw(method.toUpperCase(), path, values.body ? { rawBody: values.body } : {});
  process.stdout.write(`HTTP ${res.status}\n${res.json === undefined ? res.text : JSON.stringify(res.json, null, 2)}\n`);
  if (res.status >= 400) process.exitCode = 1;
}

async function main(argv: string[]): Promise<void> {
  const { values, positionals } = parse(argv);
  const [command, ...rest] = positionals;
  if (values.help || command === undefined || command === 'help') return void process.stdout.write(usage);
  if (command === 'serve') return serve(values);
  if (command === 'call') {
    if (rest.length !== 2) throw new ConfigError('usage: atelier call METHOD PATH [--body JSON]');
    return call(rest[0]!, rest[1]!, values);
  }
  if (command === 'bucket') return withApp(values, async ({ context }) => print(await bucketCommand(rest, values, context)));
  if (rest.length !== 1) throw new ConfigError(usage);
  return admin(command, rest[0]!, values);
}

main(process.argv.slice(2)).catch((e: unknown) => {
  const known = e instanceof ConfigError || e instanceof IdentityError || e instanceof URIError || (e instanceof TypeError && 'code' in e);
  process.stderr.write(`atelier: ${e instanceof Error ? (known ? e.message : (e.stack ?? e.message)) : String(e)}\n`);
  process.exit(2);
});
