// Chromium (Debian's /usr/bin/chromium) driven by playwright-core for the console's tests, with a
// screenshot per page under .cache/test-artifacts/web/ and an axe-core pass over each page.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import assert from 'node:assert/strict';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
export const ARTIFACTS = join(process.cwd(), '.cache', 'test-artifacts', 'web');
const ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Why the browser tests cannot run here, or undefined when they can. */
export const browserMissing = (): string | undefined =>
  existsSync(CHROMIUM) ? undefined : `${CHROMIUM} is absent: the console's browser tests are skipped (apt-get install -y chromium, as .ci/run does)`;

/** Builds web/dist when it is missing or older than its sources (a no-op otherwise). */
export function buildConsole(): void {
  const r = spawnSync(process.execPath, ['scripts/build-web.mjs', '--strict'], { stdio: 'inherit' });
  if (r.status !== 0) throw new Error('the web console did not build');
}

export interface Browser {
  context: BrowserContext;
  page: Page;
  close(): Promise<void>;
}

export async function openBrowser(): Promise<Browser> {
  const profile = mkdtempSync(join(tmpdir(), 'atelier-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ARGS,
    viewport: { width: 1200, height: 800 },
  });
  const page = context.pages()[0] ?? (await context.newPage());
  return {
    context,
    page,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: Array<{ target: unknown }>;
}

/** axe-core's serious and critical violations on the page as it is now, one line each. */
export async function seriousViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ content: axeSource });
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(): Promise<{ violations: AxeViolation[] }> } }).axe;
    return (await axe.run()).violations;
  });
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact}: ${v.id} (${v.help}) at ${JSON.stringify(v.nodes.map((n) => n.target))}`);
}

/** The console's sign-in form filled and sent; the caller waits for where it should lead. */
export async function fillSignIn(page: Page, who: { domain_name: string; user_name: string; project_name: string }, password: string): Promise<void> {
  await page.getByLabel('Domain').fill(who.domain_name);
  await page.getByLabel('User').fill(who.user_name);
  await page.getByLabel('Password').fill(password);
  await page.getByLabel('Project').fill(who.project_name);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/** A screenshot of the page as it is now, and no serious or critical axe-core finding on it. */
export async function recordPage(page: Page, name: string): Promise<void> {
  await screenshot(page, name);
  assert.deepEqual(await seriousViolations(page), [], `axe-core on ${name}`);
}

/** The workbench canvas of an image `imageWidth` pixels wide: where an image pixel is on the screen, and a drag between two. */
export function workbenchCanvas(page: Page, imageWidth: number) {
  const canvas = page.getByTestId('canvas');
  const at = async (x: number, y: number): Promise<[number, number]> => {
    const box = (await canvas.boundingBox())!;
    const k = box.width / imageWidth;
    return [box.x + x * k, box.y + y * k];
  };
  const drag = async (from: [number, number], to: [number, number]): Promise<void> => {
    await page.mouse.move(...(await at(...from)));
    await page.mouse.down();
    await page.mouse.move(...(await at((from[0] + to[0]) / 2, (from[1] + to[1]) / 2)));
    await page.mouse.move(...(await at(...to)));
    await page.mouse.up();
  };
  return { canvas, at, drag };
}
