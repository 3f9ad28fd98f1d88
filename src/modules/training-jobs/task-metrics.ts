// A task's runtime metrics as the spec gives them: one value per minute (the average of that
// minute's samples), CPU and memory as percentages of the flavor; -1 for devices this host lacks.
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';

interface Sample {
  at: number;
  cpu: number;
  mem: number;
}

const MINUTE = 60_000;

export async function taskMetrics(file: string, since: number): Promise<{ metric: string; value: number[] }[]> {
  const cpu: number[][] = [];
  const mem: number[][] = [];
  try {
    const lines = createInterface({ input: createReadStream(file), crlfDelay: Infinity });
    for await (const line of lines) {
      if (line === '') continue;
      let s: Sample;
      try {
        s = JSON.parse(line) as Sample;
      } catch {
        continue; // a line cut by a crash
      }
      const slot = Math.max(0, Math.floor((s.at - since) / MINUTE));
      (cpu[slot] ??= []).push(s.cpu);
      (mem[slot] ??= []).push(s.mem);
    }
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  const average = (slots: number[][]) =>
    Array.from({ length: slots.length }, (_, i) => {
      const v = slots[i];
      return v && v.length > 0 ? Math.round((v.reduce((a, b) => a + b, 0) / v.length) * 1000) / 1000 : -1;
    });
  const none = Array.from({ length: cpu.length }, () => -1);
  return [
    { metric: 'cpuUsage', value: average(cpu) },
    { metric: 'memUsage', value: average(mem) },
    { metric: 'gpuUtil', value: none },
    { metric: 'gpuMemUsage', value: none },
    { metric: 'npuUtil', value: none },
    { metric: 'npuMemUsage', value: none },
  ];
}
