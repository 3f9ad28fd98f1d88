// What a hostile workload tries, as Python source shared by the hostile training job and the
// hostile model: read the server's secrets, list and walk the data directory, read every process
// environment it can see, and write outside its own folder. It reports everything it got.
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TestApp } from '../helpers/app.ts';

export const PROBE_PY = `
import glob, json, os


def probe(data_dir, other_dir, marker, extra_reads=()):
    found = {"uid": os.getuid(), "gid": os.getgid()}
    reads = {
        "master.key": os.path.join(data_dir, "master.key"),
        "credentials.json": os.path.join(data_dir, "credentials.json"),
        "atelier.db": os.path.join(data_dir, "atelier.db"),
        "atelier.db-wal": os.path.join(data_dir, "atelier.db-wal"),
        "log": os.path.join(data_dir, "logs", "atelier.log"),
        "other": os.path.join(other_dir, "secret.txt"),
        "parent-environ": "/proc/%d/environ" % os.getppid(),
    }
    for i, p in enumerate(extra_reads):
        reads["extra-%d" % i] = p
    for k, p in reads.items():
        try:
            with open(p, "rb") as f:
                found["read:" + k] = f.read(65536).decode("latin-1")
        except Exception as e:
            found["read:" + k] = "denied: " + type(e).__name__
    for k, p in {"data": data_dir, "jobs": os.path.join(data_dir, "training", "jobs"), "other": other_dir, "root": "/root", "tmp": "/tmp"}.items():
        try:
            found["ls:" + k] = sorted(os.listdir(p))
        except Exception as e:
            found["ls:" + k] = "denied: " + type(e).__name__
    envs = []
    for p in glob.glob("/proc/[0-9]*/environ"):
        try:
            with open(p, "rb") as f:
                envs.append(f.read().decode("latin-1"))
        except Exception:
            pass
    found["proc-environ"] = envs
    found["env"] = dict(os.environ)
    grabbed = {}
    for top in (data_dir, "/tmp", "/root", "/home"):
        for root, _dirs, files in os.walk(top):
            for n in files:
                p = os.path.join(root, n)
                if len(grabbed) < 300:
                    try:
                        with open(p, "rb") as f:
                            grabbed[p] = f.read(8192).decode("latin-1")
                    except Exception:
                        pass
    found["walk"] = grabbed
    writes = {
        "bucket": os.path.join(data_dir, "obs", "train-bucket", "pwned-" + marker + ".txt"),
        "other": os.path.join(other_dir, "pwned-" + marker + ".txt"),
        "tmp": "/tmp/atelier-pwned-" + marker,
        "data": os.path.join(data_dir, "pwned-" + marker),
        "jobs": os.path.join(data_dir, "training", "jobs", "pwned-" + marker),
        "root": "/pwned-" + marker,
        "etc": "/etc/pwned-" + marker,
    }
    for k, p in writes.items():
        try:
            os.makedirs(os.path.dirname(p), exist_ok=True)
            with open(p, "w") as f:
                f.write("pwned")
            found["write:" + k] = "wrote"
        except Exception as e:
            found["write:" + k] = "denied: " + type(e).__name__
    return found
`;

/** The secrets a workload must never see; the fake environment variables are set by secretEnv(). */
export interface Secrets {
  values: string[];
  marker: string;
}

/** Puts fake secrets into this process's environment (as a server configured by ATELIER_* has). */
export function secretEnv(marker: string): { restore: () => void; values: string[] } {
  const vars: Record<string, string> = {
    ATELIER_S3_SECRET_KEY: `s3-secret-${marker}`,
    ATELIER_MASTER_KEY_HINT: `master-hint-${marker}`,
  };
  const before = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  Object.assign(process.env, vars);
  return {
    values: Object.values(vars),
    restore: () => {
      for (const [k, v] of Object.entries(before)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    },
  };
}

/** Everything secret in the data directory, with a server log to find (tests start none). */
export function dataDirSecrets(t: TestApp, marker: string, extra: string[]): Secrets {
  const dir = t.config.dataDir;
  mkdirSync(join(dir, 'logs'), { recursive: true, mode: 0o700 });
  writeFileSync(join(dir, 'logs', 'atelier.log'), `{"msg":"server log ${marker}-log"}\n`, { mode: 0o600 });
  const values = [readFileSync(join(dir, 'master.key'), 'utf8').trim(), t.creds.sk, t.creds.password, 'SQLite format 3', `${marker}-log`, ...extra];
  return { values, marker };
}

/** Files of the server outside the data directory a workload could aim at: the SQLite database of the tests. */
export function serverFiles(t: TestApp): string[] {
  const url = t.config.databaseUrl;
  return url.startsWith('sqlite:') ? [url.slice('sqlite:'.length), `${url.slice('sqlite:'.length)}-wal`] : [];
}

/** Asserts that no secret appears in `text` (naming the first that does). */
export function assertNoSecret(text: string, secrets: Secrets, where: string): void {
  for (const s of secrets.values) assert.ok(!text.includes(s), `${where} holds a secret: ${s.slice(0, 24)}...`);
  // In environment form (NAME=value): the workload's own log legitimately holds the model server's
  // "ATELIER_READY <port>" line, which a walk of its folder may read.
  assert.ok(!/ATELIER_[A-Z0-9_]*=/.test(text), `${where} holds an ATELIER_* variable`);
}

/** Files (relative path -> size and modification time) below `dir`, to see that nothing changed. */
export function snapshot(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      const st = statSync(p);
      if (st.isDirectory()) walk(p);
      else out.set(p, `${st.size}:${st.mtimeMs}`);
    }
  };
  walk(dir);
  return out;
}
