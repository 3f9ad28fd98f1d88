// The `atelier` commands other than `serve` (src/main.ts): what bin/atelier.mjs runs, from the
// compiled bundle (dist/cli/, built at install by scripts/build-cli.mjs) or from the sources.
import { ApiClientError } from '#src/client/http-client.ts';
import { ConfigError } from '#src/config.ts';
import { configFrom, note, parse, print, type Values } from './options.ts';
import { describeTarget } from './target.ts';
import { callUsage, usage } from './usage.ts';

const ADMIN_NOUNS = new Set(['domain', 'user', 'project', 'credential']);

async function admin(noun: string, args: string[], values: Values): Promise<void> {
  const config = configFrom(values, 'warn');
  note(describeTarget(config));
  const [{ withAdminContext }, { adminCommand }, { IdentityError }] = await Promise.all([
    import('./admin-context.ts'),
    import('./admin-commands.ts'),
    import('#src/auth/identity-service.ts'),
  ]);
  try {
    print(
      await withAdminContext(config, async (ctx) => {
        if (noun !== 'bucket') return adminCommand(noun, args[0]!, values, ctx);
        const { bucketCommand } = await import('./bucket-commands.ts');
        return bucketCommand(args, values, { identity: ctx.identity, buckets: await ctx.buckets() });
      }),
    );
  } catch (e) {
    // A refusal of the identity service (no such user, a name taken, ...) is the person's to fix.
    throw e instanceof IdentityError ? new ConfigError(e.message) : e;
  }
}

/** Runs one command (not `serve`). */
export async function runCli(argv: string[]): Promise<void> {
  const { values, positionals } = parse(argv);
  const [command, ...rest] = positionals;
  if (values.help || command === undefined || command === 'help') return void process.stdout.write(usage);
  switch (command) {
    case 'serve':
      throw new ConfigError('"serve" runs from src/main.ts: use bin/atelier.mjs serve or npm start');
    case 'call': {
      if (rest.length !== 2) throw new ConfigError(`usage:\n${callUsage}`);
      const { callCommand } = await import('./call.ts');
      return callCommand(rest[0]!, rest[1]!, values, configFrom(values));
    }
    case 'service': {
      const { serviceCommand } = await import('./service-commands.ts');
      return print(await serviceCommand(rest, values, configFrom(values)));
    }
    case 'notebook': {
      if (rest[0] === 'sync') {
        const { notebookSyncCommand } = await import('./notebook-sync-command.ts');
        return notebookSyncCommand(rest.slice(1));
      }
      const { notebookCommand } = await import('./notebook-commands.ts');
      return print(await notebookCommand(rest, configFrom(values)));
    }
    case 'process': {
      const { processCommand } = await import('./process-command.ts');
      return print(await processCommand(rest));
    }
    case 'batch': {
      const { batchCommand } = await import('./batch-command.ts');
      return print(await batchCommand(rest));
    }
    case 'prelabel': {
      const { prelabelCommand } = await import('./batch-command.ts');
      return print(await prelabelCommand(rest));
    }
    case 'bucket':
      return admin(command, rest, values);
    default:
      if (!ADMIN_NOUNS.has(command) || rest.length !== 1) throw new ConfigError(`unknown command "${positionals.join(' ')}"\n\n${usage}`);
      return admin(command, rest, values);
  }
}

/** Expected failures (bad input, refusals, an unreachable server or database) are one line; a bug keeps its stack. */
export function exitOnError(e: unknown): never {
  let message: string;
  if (e instanceof ApiClientError) message = `the server answered ${e.message.trim()}${e.requestId ? ` (request ${e.requestId})` : ''}`;
  else if (e instanceof Error) {
    const code = (e as { code?: unknown }).code;
    const known = e instanceof ConfigError || e instanceof URIError || typeof code === 'string';
    message = known ? e.message || `${e.name} ${typeof code === 'string' ? code : ''}`.trim() : (e.stack ?? e.message);
  } else message = String(e);
  process.stderr.write(`atelier: ${message}\n`);
  process.exit(2);
}
