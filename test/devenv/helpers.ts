import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import type { AtelierClient } from '#src/client/index.ts';
import { prepareJupyterRuntime } from '#src/runtime/notebooks/index.ts';

/** The Jupyter runtime the test apps share (the notebooks tests use the same cache). */
export const RUNTIME_DIR = resolve(process.env.ATELIER_NOTEBOOK_RUNTIME_DIR ?? '.cache/notebook-runtime');

export async function notebookEnv(): Promise<Record<string, string>> {
  await prepareJupyterRuntime(RUNTIME_DIR);
  return { ATELIER_NOTEBOOK_RUNTIME_DIR: RUNTIME_DIR };
}

export const FLAVOR = 'modelarts.vm.cpu.1u';

type Instance = Awaited<ReturnType<AtelierClient['devenv']['get']>>;

/** Polls the old API until the instance is in one of `statuses`; a failure status ends the wait with its reason. */
export async function waitFor(client: AtelierClient, id: string, statuses: string[], timeoutMs = 90_000): Promise<Instance> {
  const deadline = Date.now() + timeoutMs;
  let last: Instance | undefined;
  while (Date.now() < deadline) {
    last = await client.devenv.get(id);
    if (statuses.includes(last.status)) return last;
    if (['CREATE_FAILED', 'START_FAILED', 'UNAVAILABLE'].includes(last.status) && !statuses.includes(last.status))
      assert.fail(`instance ${id} is ${last.status}: ${JSON.stringify(last.spec.failed_reasons ?? {})} ${JSON.stringify(last.spec.extend_params ?? {})}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.fail(`instance ${id} stayed ${last?.status} (wanted ${statuses.join('/')})`);
}

/** Polls until `check` holds. */
export async function eventually(check: () => Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.fail(`${what} did not happen within ${timeoutMs} ms`);
}
