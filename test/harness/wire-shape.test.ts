// The wire-shape check over a flow that calls every route as the owner of what it names: each 2xx
// payload must match its route's response schema taken as exact (no undeclared field, the declared
// types), and every 2xx body must be a JSON object (src/http/response-check.ts does the checking).
import { after, before, describe, test } from 'node:test';
import { ResponseCheck } from '#src/http/response-check.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { serverAccount, type Account } from './accounts.ts';
import { judge, stablePath, type Finding } from './findings.ts';
import { FLOW, type FlowStep, type Phase } from './flow.ts';
import { routeKey, routeTable, send, UnfilledPath, type Route } from './routes.ts';
import { assertNoProcessesLeft, deleteNotebooks, harnessEnv, seedAccount, stopRunningJob, type Seeded } from './seed.ts';

// Known findings, each with why, until the fix lands (the lead empties this list).
const KNOWN_SHAPES: Record<string, string> = {};
const KNOWN_UNCOVERED: Record<string, string> = {
  'BatchDeletePoolNodes uncovered': 'the seeded pool has one slice, which it keeps, and a 2-core host has no room for a second; test/pools releases nodes',
};

describe('wire shape: every 2xx answer of every route, as its schema says', () => {
  let t: TestApp;
  const check = new ResponseCheck();
  let routes: Route[];
  let A: Account;
  let a: Seeded;
  /** What each route answered in the flow, for the routes that never gave a 2xx. */
  const answers = new Map<string, string[]>();

  const findRoute = (op: string): Route => {
    const r = routes.find((x) => x.operationId === op);
    if (!r) throw new Error(`no route with operation id ${op}`);
    return r;
  };

  /** Polls the step's read until the state its request needs (a stop under way ends, say); notes it when that never comes. */
  const waitReady = async (op: string, ready: NonNullable<FlowStep['ready']>): Promise<void> => {
    const until = Date.now() + 60_000;
    let last = '';
    while (Date.now() < until) {
      const s = await send(A.client, findRoute(ready.op), ready.call(a.ctx), a.ids);
      if (ready.until(s.json)) return;
      last = `${s.status} ${s.text.slice(0, 160)}`;
      await new Promise((r) => setTimeout(r, 100));
    }
    answers.set(routeKey(findRoute(op)), [`not ready after 60 s: ${ready.op} answered ${last}`]);
  };

  before(async () => {
    t = await startTestApp(await harnessEnv(), { responseCheck: check });
    t.atelier.startBackground();
    routes = routeTable(check);
    A = await serverAccount(t);
    a = await seedAccount(A, findRoute, true);
    // Every request of the flow, phase by phase: the seed made most creates already.
    for (const phase of ['create', 'read', 'update', 'delete'] as Phase[]) {
      for (const [op, step] of Object.entries(FLOW)) {
        if (step.phase !== phase) continue;
        const route = routes.find((r) => r.operationId === op);
        if (!route) continue;
        if (step.ready) await waitReady(op, step.ready);
        for (const [i, call] of step.calls(a.ctx).entries()) {
          if (a.made.has(`${op}#${i}`)) continue;
          try {
            const s = await send(A.client, route, call, a.ids);
            answers.set(routeKey(route), [...(answers.get(routeKey(route)) ?? []), `${s.status} ${s.text.slice(0, 160)}`]);
          } catch (e) {
            if (!(e instanceof UnfilledPath)) throw e;
            answers.set(routeKey(route), [...(answers.get(routeKey(route)) ?? []), e.message]);
          }
        }
      }
    }
  });
  after(async () => {
    try {
      if (a) await stopRunningJob(A, findRoute, a.ids);
      if (A) await deleteNotebooks(A);
    } finally {
      await t?.close();
    }
    if (t) await assertNoProcessesLeft(t.config.dataDir);
  });

  test('every 2xx payload matches its response schema, taken as exact, and is a JSON object', (tt) => {
    const findings: Finding[] = check.violations.map((v) => ({
      key: `${v.operationId} ${stablePath(v.path) || '(body)'}`,
      detail: `${v.status} ${v.problem} (${v.method} ${v.url.split('?')[0]})`,
    }));
    tt.diagnostic(`${[...check.checked.values()].reduce((x, y) => x + y, 0)} 2xx answers checked on ${check.checked.size} routes`);
    judge(tt, findings, KNOWN_SHAPES);
  });

  test('the flow reaches every route with a 2xx (a route without one is not checked)', (tt) => {
    const findings: Finding[] = [];
    for (const route of routes.filter((r) => !r.hidden)) {
      const fastifyUrl = route.path.replace(/\{\*\}$/, '*').replace(/\{(\w+)\}/g, ':$1');
      if ((check.checked.get(`${route.method} ${fastifyUrl}`) ?? 0) > 0) continue;
      const seen = answers.get(routeKey(route)) ?? [FLOW[route.operationId] ? 'only made by the seed' : 'no request in flow.ts'];
      findings.push({ key: `${route.operationId} uncovered`, detail: seen.join(' | ') });
    }
    judge(tt, findings, KNOWN_UNCOVERED);
  });
});
