// The BUILD_IN images: the Python interpreters this host offers training jobs (the training
// engines), each read once by running it. They are the same for every project and are not stored.
import { createHash } from 'node:crypto';
import { statSync } from 'node:fs';
import { arch } from 'node:os';
import { probeHostPython, summary, type EnvironmentFacts } from './environment-probe.ts';
import type { ImageDetail } from './schemas.ts';

/** A Python interpreter found on the host, named as its training engine. */
export interface HostInterpreter {
  /** The engine ID, e.g. python3.11 or python3.11-system: the image's name. */
  id: string;
  /** The interpreter's path. */
  runtime: string;
}

export interface BuiltInImage {
  detail: ImageDetail;
  python: string;
  facts: EnvironmentFacts;
}

/** The host's architecture as the spec names it. */
export function hostArch(): 'X86_64' | 'AARCH64' {
  return arch() === 'arm64' ? 'AARCH64' : 'X86_64';
}

/** A UUID that stays the same for the same name: a built-in image keeps its ID across restarts. */
function stableUuid(name: string): string {
  const h = createHash('sha256').update(`atelier-built-in-image:${name}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** The ID of the built-in image of an interpreter (the same on every start of Atelier). */
export function builtInImageId(interpreter: HostInterpreter): string {
  return stableUuid(`${interpreter.id}:${interpreter.runtime}`);
}

function modified(path: string): number {
  try {
    return Math.floor(statSync(path).mtimeMs);
  } catch {
    return 0;
  }
}

/** Reads each interpreter once (its packages as it reports them); one that does not answer is not offered. */
export class BuiltInImages {
  private readonly read = new Map<string, Promise<BuiltInImage | undefined>>();

  constructor(private readonly interpreters: readonly HostInterpreter[]) {}

  async all(): Promise<BuiltInImage[]> {
    const found = await Promise.all(this.interpreters.map((i) => this.one(i)));
    return found.filter((i): i is BuiltInImage => i !== undefined);
  }

  async byId(id: string): Promise<BuiltInImage | undefined> {
    return (await this.all()).find((i) => i.detail.id === id);
  }

  /** By ID, or by name (python3.11): the old API's profile_id may name a built-in image. */
  async byIdOrName(key: string): Promise<BuiltInImage | undefined> {
    const all = await this.all();
    return all.find((i) => i.detail.id === key) ?? all.find((i) => i.detail.name === key);
  }

  private one(interpreter: HostInterpreter): Promise<BuiltInImage | undefined> {
    let p = this.read.get(interpreter.id);
    if (!p) {
      p = probeHostPython(interpreter.runtime).then(
        (facts) => image(interpreter, facts),
        () => {
          // Not kept: the interpreter may answer on a later call.
          this.read.delete(interpreter.id);
          return undefined;
        },
      );
      this.read.set(interpreter.id, p);
    }
    return p;
  }
}

function image(interpreter: HostInterpreter, facts: EnvironmentFacts): BuiltInImage {
  const time = modified(interpreter.runtime);
  const text = summary(facts);
  return {
    python: interpreter.runtime,
    facts,
    detail: {
      arch: hostArch(),
      create_at: time,
      update_at: time,
      description: `Python ${facts.version} found on this host at ${interpreter.runtime} (training engine ${interpreter.id})`,
      dev_services: ['NOTEBOOK'],
      id: builtInImageId(interpreter),
      name: interpreter.id,
      namespace: 'atelier',
      origin: 'CUSTOMIZE',
      resource_categories: ['CPU'],
      support_res_categories: ['CPU'],
      service_type: 'COMMON',
      size: 0,
      status: 'ACTIVE',
      status_message: text,
      swr_path: interpreter.runtime,
      tag: `py${facts.version}`,
      type: 'BUILD_IN',
      visibility: 'PUBLIC',
      workspace_id: '0',
    },
  };
}
