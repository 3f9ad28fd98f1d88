// The images notebooks start until the images family is wired in: the Python interpreters found on
// this host (python3 on PATH, the system's /usr/bin/python3), the same probe training engines use.
// Each has a stable UUID made from its interpreter's path, so ids survive restarts.
import { createHash } from 'node:crypto';
import { probePython } from '#src/runtime/sandbox/interpreters.ts';
import type { ImageEnvironment, NotebookImages } from './ports.ts';

function stableUuid(text: string): string {
  const h = createHash('sha1').update(`atelier-image:${text}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export function hostImages(): ImageEnvironment[] {
  const out: ImageEnvironment[] = [];
  const seen = new Set<string>();
  for (const [command, suffix] of [
    ['python3', ''],
    ['/usr/bin/python3', '-system'],
  ] as const) {
    const p = probePython(command);
    if (!p || seen.has(p.real)) continue;
    seen.add(p.real);
    const minor = p.version.split('.').slice(0, 2).join('.');
    out.push({ id: stableUuid(p.real), name: `python${minor}${suffix}`, swr_path: `local:${p.executable}`, type: 'BUILD_IN', python: p.executable });
  }
  return out;
}

/** Built-in images only: every project sees the same ones. */
export class BuiltinImages implements NotebookImages {
  constructor(private readonly images: ImageEnvironment[] = hostImages()) {}

  async image(_projectId: string, imageId: string): Promise<ImageEnvironment | undefined> {
    return this.images.find((i) => i.id === imageId || i.name === imageId);
  }

  async defaultImage(): Promise<ImageEnvironment | undefined> {
    return this.images[0];
  }
}
