import { join } from 'node:path';
import pino, { type DestinationStream, type Level } from 'pino';
import { REQUEST_LINE_MESSAGE } from './request-log.ts';

/** Where the server's log lines go, and how to write out what is still buffered before the process exits. */
export interface LogOutput {
  stream: DestinationStream;
  flush(): Promise<void>;
}

export interface LogOutputOptions {
  dataDir: string;
  level: Level;
  /** Human-readable lines on stdout (when it is a terminal); JSON lines otherwise. */
  pretty: boolean;
}

/**
 * The server's logs: stdout, and `<data dir>/logs/atelier.log` (JSON lines always, mode 0600).
 * The file is written by sonic-boom in the background, so a burst of requests costs no extra trips
 * through libuv's thread pool; flush() writes the rest in order and closes the file at shutdown.
 */
export async function serverLogOutput(options: LogOutputOptions): Promise<LogOutput> {
  const file = pino.destination({ dest: join(options.dataDir, 'logs', 'atelier.log'), append: true, mkdir: true, sync: false, mode: 0o600 });
  const stdout: DestinationStream = options.pretty ? await prettyStdout() : process.stdout;
  const stream = pino.multistream([
    { stream: stdout, level: options.level },
    { stream: file, level: options.level },
  ]);
  return {
    stream,
    // end() writes what is buffered after the write in flight, in order, then closes the file
    // (flushSync() beside a write in flight could put the last lines first). Bounded: a file that
    // cannot be written must not hold the exit.
    flush: () =>
      new Promise<void>((resolve) => {
        setTimeout(resolve, 2000).unref();
        file.once('close', () => resolve());
        file.end();
      }),
  };
}

/** The fields of a JSON log line that pretty lines show in the message itself. */
const SHOWN_IN_MESSAGE = ['method', 'url', 'status', 'responseTime', 'operation', 'reqId'];

/**
 * A pretty line's message. A request's line reads `GET /v2/... 200 3.1 ms ListDatasets [reqId]`;
 * other lines keep their message, with the request id when they have one.
 */
export function prettyMessage(log: Record<string, unknown>): string {
  const msg = typeof log.msg === 'string' ? log.msg : '';
  const reqId = typeof log.reqId === 'string' ? ` [${log.reqId}]` : '';
  if (msg === REQUEST_LINE_MESSAGE && typeof log.method === 'string' && typeof log.status === 'number') {
    const operation = typeof log.operation === 'string' ? ` ${log.operation}` : '';
    return `${log.method} ${String(log.url)} ${log.status} ${String(log.responseTime)} ms${operation}${reqId}`;
  }
  const rest = Object.keys(log).filter((k) => SHOWN_IN_MESSAGE.includes(k) && k !== 'reqId');
  // A line of another kind that happens to carry these keys shows them too (pino-pretty hides them).
  const extra = rest.length ? ` ${rest.map((k) => `${k}=${JSON.stringify(log[k])}`).join(' ')}` : '';
  return `${msg}${extra}${reqId}`;
}

/** A JSON log line as pino-pretty shows it (colours optional), on one line but for an error's stack. */
export async function prettyPrinter(colorize: boolean): Promise<(line: string) => string> {
  const { prettyFactory } = await import('pino-pretty');
  return prettyFactory({
    colorize,
    singleLine: true,
    translateTime: 'SYS:HH:MM:ss.l',
    ignore: ['pid', 'hostname', ...SHOWN_IN_MESSAGE].join(','),
    messageFormat: (log) => prettyMessage(log),
  });
}

/** stdout through pino-pretty, line by line and synchronously, so nothing is lost when the process exits. */
async function prettyStdout(): Promise<DestinationStream> {
  const prettify = await prettyPrinter(true);
  return { write: (line: string) => void process.stdout.write(prettify(line)) };
}
