// The OpenAPI document exactly as the server serves it: the app is built on a throwaway data
// directory and asked for /openapi.json as a client would.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp } from '#src/app.ts';
import { loadConfig } from '#src/config.ts';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export const isObject = (v: Json | undefined): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

export async function servedDocument(): Promise<JsonObject> {
  const dataDir = mkdtempSync(join(tmpdir(), 'atelier-openapi-'));
  // Only these settings: the document must not depend on the caller's environment.
  const atelier = await buildApp(loadConfig({ ATELIER_DATA_DIR: dataDir, ATELIER_LOG_LEVEL: 'silent' }));
  try {
    await atelier.app.ready();
    const res = await atelier.app.inject({ method: 'GET', url: '/openapi.json' });
    if (res.statusCode !== 200) throw new Error(`GET /openapi.json answered ${res.statusCode}`);
    return res.json<JsonObject>();
  } finally {
    await atelier.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
