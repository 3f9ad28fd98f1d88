// The server of the load benchmarks, in its own process so the load generator does not share its
// event loop: `load-server.ts <data dir>` opens a data directory made earlier (seeded by the bench),
// listens on a free port and says so over IPC ({kind: 'ready', port}). {kind: 'stats'} is answered
// with its RSS, heap, CPU time and event-loop delay since the last such answer; {kind: 'stop'} closes
// it (a --cpu-prof profile is written on that exit).
import '#src/v8-workarounds/index.ts';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { buildApp } from '#src/app.ts';
import { loadConfig } from '#src/config.ts';

const dataDir = process.argv[2]!;
const atelier = await buildApp(
  loadConfig({
    ...process.env,
    ATELIER_DATA_DIR: dataDir,
    ATELIER_LOG_LEVEL: process.env.ATELIER_LOG_LEVEL ?? 'silent',
    ATELIER_PORT: '0',
    ATELIER_DATABASE_URL: `sqlite:${join(dataDir, 'atelier.db')}`,
  }),
);
await atelier.app.listen({ host: '127.0.0.1', port: 0 });
atelier.startBackground();

const loop = monitorEventLoopDelay({ resolution: 5 });
loop.enable();
let cpu = process.cpuUsage();
const ms = (ns: number) => ns / 1e6;

process.on('message', (m: { kind: string }) => {
  if (m.kind === 'stats') {
    const mem = process.memoryUsage();
    const used = process.cpuUsage(cpu);
    cpu = process.cpuUsage();
    process.send!({
      kind: 'stats',
      rssMb: mem.rss / 1024 / 1024,
      heapMb: mem.heapUsed / 1024 / 1024,
      loop: { p50: ms(loop.percentile(50)), p99: ms(loop.percentile(99)), max: ms(loop.max), mean: ms(loop.mean) },
      cpuMs: (used.user + used.system) / 1000,
    });
    loop.reset();
  } else if (m.kind === 'stop') {
    void atelier.close().finally(() => process.exit(0));
  }
});
process.on('disconnect', () => void atelier.close().finally(() => process.exit(0)));
process.send!({ kind: 'ready', port: (atelier.app.server.address() as AddressInfo).port });
