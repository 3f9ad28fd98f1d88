// `atelier serve`, the server; every other command is in src/cli/ (program.ts), which bin/atelier.mjs
// runs without loading the server's code.
import './v8-workarounds/index.ts';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { buildApp } from './app.ts';
import { serverLogOutput } from './http/log-output.ts';
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
  // Readable lines on a terminal, JSON lines otherwise; the log file is JSON lines either way.
  const logs = await serverLogOutput({
    dataDir: config.dataDir,
    level: config.logLevel === 'silent' ? 'fatal' : config.logLevel,
    pretty: process.stdout.isTTY === true,
  });
  const atelier = await buildApp(config, { logStream: logs.stream });
  const created = await bootstrap(atelier.context);
  if (created) printBootstrap(created, config);
  await atelier.recover();
  await atelier.app.listen({ host: config.host, port: config.port });
  recordEndpoint(config, endpointOf(config, atelier.app.server.address()));
  atelier.startBackground();
  const stop = async (signal: NodeJS.Signals) => {
    const started = performance.now();
    atelier.app.log.info({ signal }, 'shutting down');
    await atelier.close();
    atelier.app.log.info({ signal, ms: Math.round(performance.now() - started) }, 'stopped');
    await logs.flush();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
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
