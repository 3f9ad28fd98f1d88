// `atelier serve`, the server; every other command is in src/cli/ (program.ts), which bin/atelier.mjs
// runs without loading the server's code.
import './v8-workarounds/index.ts';
import { createWriteStream, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import pino from 'pino';
import { buildApp } from './app.ts';
import { bootstrap, credentialsFile, type BootstrapCredentials } from './bootstrap.ts';
import type { Config } from './config.ts';
import { securePrivateDir } from './runtime/sandbox/private-files.ts';
import { endpointOf, recordEndpoint } from './cli/endpoint.ts';
import { configFrom, note, parse, type Values } from './cli/options.ts';
import { exitOnError, runCli } from './cli/program.ts';
import { describeTarget } from './cli/target.ts';

async function serve(values: Values): Promise<void> {
  const config = configFrom(values);
  // The only command that may create a data directory and a database: it says which.
  note(`${existsSync(config.dataDir) ? '' : 'creating '}${describeTarget(config)}`);
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
  recordEndpoint(config, endpointOf(config, atelier.app.server.address()));
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

async function main(argv: string[]): Promise<void> {
  const { values, positionals } = parse(argv);
  if (positionals[0] === 'serve' && !values.help) return serve(values);
  return runCli(argv);
}

main(process.argv.slice(2)).catch(exitOnError);
