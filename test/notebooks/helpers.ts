import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import WebSocket from 'ws';
import type { AtelierClient } from '#src/client/index.ts';
import { builtInImageId } from '#src/modules/images/index.ts';
import { detectEngines } from '#src/modules/training-jobs/engines.ts';
import { prepareJupyterRuntime } from '#src/runtime/notebooks/index.ts';

/** The Jupyter runtime every test app shares (prepared once, like CI does ahead of the tests). */
export const RUNTIME_DIR = resolve(process.env.ATELIER_NOTEBOOK_RUNTIME_DIR ?? '.cache/notebook-runtime');

export async function notebookEnv(extra: Record<string, string> = {}): Promise<Record<string, string>> {
  await prepareJupyterRuntime(RUNTIME_DIR);
  return { ATELIER_NOTEBOOK_RUNTIME_DIR: RUNTIME_DIR, ATELIER_NOTEBOOK_MIN_IDLE_MS: '1000', ...extra };
}

export const FLAVOR = 'modelarts.vm.cpu.1u';

/** The host's first built-in image as ListImage answers it (the first Python training engine): its id, and its name. */
export function builtInImage(): { id: string; name: string } {
  const engine = detectEngines().find((e) => e.extensions.includes('.py'));
  assert.ok(engine, 'no Python on this host: no built-in image');
  return { id: builtInImageId({ id: engine.response.engine_id, runtime: engine.runtime }), name: engine.response.engine_id };
}

type Notebook = Awaited<ReturnType<AtelierClient['notebooks']['get']>>;

/** Polls until the instance reaches one of `statuses` (a failure status ends the wait with its reason). */
export async function waitFor(client: AtelierClient, id: string, statuses: string[], timeoutMs = 90_000): Promise<Notebook> {
  const deadline = Date.now() + timeoutMs;
  let last: Notebook | undefined;
  while (Date.now() < deadline) {
    last = await client.notebooks.get(id);
    if (statuses.includes(last.status)) return last;
    if (['CREATE_FAILED', 'START_FAILED', 'ERROR'].includes(last.status)) assert.fail(`instance ${id} is ${last.status}: ${last.fail_reason ?? ''}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.fail(`instance ${id} stayed ${last?.status} (wanted ${statuses.join('/')})`);
}

export async function waitGone(client: AtelierClient, id: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      await client.notebooks.get(id);
    } catch {
      return;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.fail(`instance ${id} was not removed`);
}

/** Starts a kernel through the proxy (instance token in the header); its id. */
export async function startKernel(url: string, token: string): Promise<string> {
  const r = await fetch(`${url}api/kernels`, {
    method: 'POST',
    headers: { authorization: `token ${token}`, 'content-type': 'application/json' },
    body: '{"name":"python3"}',
  });
  assert.equal(r.status, 201, await r.clone().text());
  return ((await r.json()) as { id: string }).id;
}

/** The kernel's connection closed before its answer (the instance stopped under it). */
export class KernelGone extends Error {
  constructor() {
    super("the kernel's connection closed before its answer");
  }
}

/** Runs `code` in the kernel over the proxied WebSocket; the text/plain of its result (or the error). */
export async function execute(url: string, token: string, kernelId: string, code: string): Promise<string> {
  const wsUrl = `${url.replace(/^http/, 'ws')}api/kernels/${kernelId}/channels?token=${token}`;
  const ws = new WebSocket(wsUrl);
  const msgId = randomUUID();
  try {
    await new Promise<void>((res, rej) => {
      ws.once('open', () => res());
      ws.once('error', rej);
      ws.once('unexpected-response', (_req, resp) => rej(new Error(`WebSocket refused: ${resp.statusCode}`)));
    });
    return await new Promise<string>((res, rej) => {
      let result: string | undefined;
      const timer = setTimeout(() => rej(new Error('no answer from the kernel')), 60_000);
      ws.once('close', () => {
        clearTimeout(timer);
        rej(new KernelGone());
      });
      ws.on('message', (data: Buffer) => {
        const m = JSON.parse(data.toString('utf8')) as { msg_type: string; parent_header: { msg_id?: string }; content: Record<string, unknown> };
        if (m.parent_header.msg_id !== msgId) return;
        if (m.msg_type === 'execute_result') result = String((m.content.data as Record<string, unknown>)['text/plain']);
        if (m.msg_type === 'error') result = `error: ${String(m.content.ename)}: ${String(m.content.evalue)}`;
        if (m.msg_type === 'status' && m.content.execution_state === 'idle') {
          clearTimeout(timer);
          res(result ?? '');
        }
      });
      ws.send(
        JSON.stringify({
          header: { msg_id: msgId, msg_type: 'execute_request', username: 'test', session: randomUUID(), date: new Date().toISOString(), version: '5.3' },
          parent_header: {},
          metadata: {},
          content: { code, silent: false, store_history: true, user_expressions: {}, allow_stdin: false, stop_on_error: true },
          channel: 'shell',
        }),
      );
    });
  } finally {
    ws.close();
  }
}
