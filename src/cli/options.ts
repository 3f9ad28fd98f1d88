// The command line's options: those of the commands, and every server setting (config.ts) as a flag.
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig, settings, type Config, type SettingName } from '#src/config.ts';

export const commandOptions = {
  name: { type: 'string' },
  domain: { type: 'string' },
  password: { type: 'string' },
  role: { type: 'string' },
  id: { type: 'string' },
  user: { type: 'string', multiple: true },
  project: { type: 'string' },
  description: { type: 'string' },
  ak: { type: 'string' },
  sk: { type: 'string' },
  profile: { type: 'string' },
  endpoint: { type: 'string' },
  body: { type: 'string' },
  bucket: { type: 'string' },
  service: { type: 'string' },
  instances: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

export type CommandOption = keyof typeof commandOptions;

export function parse(argv: string[]) {
  const configOptions = Object.fromEntries(settings.map((s) => [s.flag, { type: 'string' as const }]));
  return parseArgs({ args: argv, options: { ...commandOptions, ...configOptions }, allowPositionals: true, strict: true });
}

export type Values = ReturnType<typeof parse>['values'];

/** The option's value (the first one of a repeated option); a ConfigError when it is missing. */
export function need(values: Values, name: CommandOption): string {
  const v = values[name];
  const s = Array.isArray(v) ? v[0] : v;
  if (typeof s !== 'string' || s === '') throw new ConfigError(`--${name} is required`);
  return s;
}

/** The server settings given as flags, over the environment (ATELIER_*), over the defaults. */
export function configFrom(values: Values, logLevel?: Config['logLevel']): Config {
  const flags: Partial<Record<SettingName, string>> = {};
  for (const s of settings) {
    const v = (values as Record<string, unknown>)[s.flag];
    if (typeof v === 'string') flags[s.flag] = v;
  }
  const config = loadConfig(process.env, flags);
  return logLevel && !flags['log-level'] && !process.env.ATELIER_LOG_LEVEL ? { ...config, logLevel } : config;
}

/** What commands print on stdout: JSON, for scripts. */
export const print = (value: unknown): void => void process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);

/** A note for the person at the terminal: stderr, so stdout stays the command's JSON. */
export const note = (line: string): void => void process.stderr.write(`atelier: ${line}\n`);
