// Runs schemathesis (from its venv, scripts/python-tools) against a running app and reads its JUnit
// report back as findings: one per operation and failed check, each with the case to reproduce it.
import { spawn } from 'node:child_process';
import { createWriteStream, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { XMLParser } from 'fast-xml-parser';
import type { Finding } from '../findings.ts';

const here = dirname(fileURLToPath(import.meta.url));

export interface FuzzProfile {
  name: string;
  maxExamples: number;
  /** Seconds each request may take before it counts as a hang. */
  requestTimeout: number;
  phases: string;
}

/**
 * `ci` (the default) keeps `npm test` within its time; `long` (ATELIER_FUZZ_PROFILE=long) tries many
 * more cases per operation. ATELIER_FUZZ_SEED replays a run; without it a run uses a fixed seed in
 * CI and a fresh one in the long profile. ATELIER_FUZZ_MAX_EXAMPLES overrides the examples count,
 * ATELIER_FUZZ_PHASES the phases (.ci/run's SQLite pass runs only the examples and the coverage
 * phase: the generated ones cost most and run on PostgreSQL), ATELIER_FUZZ_CHECKS the checks (see CHECKS).
 */
export function fuzzProfile(env: NodeJS.ProcessEnv = process.env): FuzzProfile & { seed: number } {
  const long = env.ATELIER_FUZZ_PROFILE === 'long';
  const base: FuzzProfile = long
    ? { name: 'long', maxExamples: 200, requestTimeout: 30, phases: 'examples,coverage,fuzzing,stateful' }
    : { name: 'ci', maxExamples: 20, requestTimeout: 20, phases: 'examples,coverage,fuzzing,stateful' };
  if (env.ATELIER_FUZZ_MAX_EXAMPLES) base.maxExamples = Number(env.ATELIER_FUZZ_MAX_EXAMPLES);
  if (env.ATELIER_FUZZ_PHASES) base.phases = env.ATELIER_FUZZ_PHASES;
  const seed = env.ATELIER_FUZZ_SEED ? Number(env.ATELIER_FUZZ_SEED) : long ? Math.floor(Math.random() * 2 ** 31) : 20261205;
  return { ...base, seed };
}

/**
 * schemathesis' own checks that fit the ModelArts wire, and ours (fuzz/checks.py). Left out:
 * status_code_conformance (the OpenAPI document lists only the common error statuses, so a 409 or a
 * 413 would count), unsupported_method (an undeclared method gets a ModelArts 404/400, not 405),
 * negative_data_rejection and positive_data_acceptance (optional bodies are optional by the spec,
 * and ids the fuzzer makes up are rightly 404). ATELIER_FUZZ_CHECKS=<list> runs another set.
 */
export const CHECKS = [
  'not_a_server_error',
  'response_schema_conformance',
  'content_type_conformance',
  'modelarts_error_body',
  'request_id_header',
  'json_object_2xx',
];

export interface FuzzRun {
  /** Where the config, the output and the reports are kept (left there for a look after a failure). */
  dir: string;
  exitCode: number | null;
  output: string;
  junit: string;
  seconds: number;
}

/** A TOML value: strings as basic strings (JSON's escapes are TOML's), numbers and booleans as such. */
const toml = (v: string | number | boolean): string => (typeof v === 'string' ? JSON.stringify(v) : String(v));
const table = (values: Record<string, string>): string =>
  `{ ${Object.entries(values)
    .map(([k, v]) => `${toml(k)} = ${toml(v)}`)
    .join(', ')} }`;

export interface FuzzTarget {
  baseUrl: string;
  token: string;
  /** Path parameters held at one value for every operation ("path.<name>" in schemathesis' terms). */
  pathParams: Record<string, string>;
  /**
   * Per operation id, parameters of its own (where a name means another thing, e.g. task_id): a
   * bare name is a path parameter, "query.<name>" a query parameter.
   */
  perOperation: Record<string, Record<string, string>>;
  /** Operations left out, each with why (reported, never silent). */
  excluded: Record<string, string>;
  include?: { method?: string; excludeMethod?: string };
}

export async function runSchemathesis(python: string, target: FuzzTarget, profile: FuzzProfile & { seed: number }, dir: string): Promise<FuzzRun> {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const lines = [
    `seed = ${profile.seed}`,
    `hooks = "checks"`,
    '[parameters]',
    ...Object.entries(target.pathParams).map(([k, v]) => `${toml(`path.${k}`)} = ${toml(v)}`),
    '',
    ...Object.entries(target.perOperation).flatMap(([op, params]) => [
      '[[operations]]',
      `include-operation-id = ${toml(op)}`,
      `parameters = ${table(Object.fromEntries(Object.entries(params).map(([k, v]) => [k.includes('.') ? k : `path.${k}`, v])))}`,
      '',
    ]),
  ];
  writeFileSync(join(dir, 'schemathesis.toml'), `${lines.join('\n')}\n`);
  const args = [
    '-m',
    'schemathesis.cli',
    '--config-file',
    join(dir, 'schemathesis.toml'),
    'run',
    `${target.baseUrl}/openapi.json`,
    '--header',
    `X-Auth-Token: ${target.token}`,
    '--max-examples',
    String(profile.maxExamples),
    '--phases',
    profile.phases,
    '--request-timeout',
    String(profile.requestTimeout),
    '--checks',
    process.env.ATELIER_FUZZ_CHECKS ?? CHECKS.join(','),
    '--workers',
    '1',
    '--generation-database',
    'none',
    '--continue-on-failure',
    '--suppress-health-check',
    'all',
    '--no-color',
    '--report',
    'junit',
    '--report-junit-path',
    join(dir, 'junit.xml'),
    ...(target.include?.method ? ['--include-method', target.include.method] : []),
    ...(target.include?.excludeMethod ? ['--exclude-method', target.include.excludeMethod] : []),
    ...Object.keys(target.excluded).flatMap((op) => ['--exclude-operation-id', op]),
  ];
  const started = Date.now();
  const output: string[] = [];
  // Written as it comes, so a long run can be followed: tail -f .cache/fuzz/<profile>/main/output.txt
  const log = createWriteStream(join(dir, 'output.txt'));
  const exitCode = await new Promise<number | null>((resolve, reject) => {
    const child = spawn(python, args, {
      cwd: dir,
      env: { ...process.env, PYTHONPATH: here, SCHEMATHESIS_HOOKS: 'checks', NO_COLOR: '1', COLUMNS: '160', PYTHONDONTWRITEBYTECODE: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const take = (d: Buffer) => {
      output.push(d.toString());
      log.write(d);
    };
    child.stdout.on('data', take);
    child.stderr.on('data', take);
    child.on('error', reject);
    child.on('close', resolve);
  });
  await new Promise((resolve) => log.end(resolve));
  const text = output.join('');
  const junit = readdirSync(dir).includes('junit.xml') ? readFileSync(join(dir, 'junit.xml'), 'utf8') : '';
  return { dir, exitCode, output: text, junit, seconds: (Date.now() - started) / 1000 };
}

interface JUnitCase {
  '@_name': string;
  failure?: JUnitProblem | JUnitProblem[];
  error?: JUnitProblem | JUnitProblem[];
}
type JUnitProblem = { '#text'?: string; '@_message'?: string } | string;

const list = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/** "GET /v2/{project_id}/datasets" for a curl command line, matched against the route templates. */
function operationOfCurl(curl: string, templates: string[]): string | undefined {
  const m = /curl -X (\w+) .*?'?(https?:\/\/[^'\s]+)'?\s*$/.exec(curl);
  if (!m) return undefined;
  const path = new URL(m[2]!).pathname;
  for (const t of templates) {
    const [method, tpath] = t.split(' ') as [string, string];
    const re = new RegExp(`^${tpath.replace(/\{\*\}/g, '.+').replace(/\{[^}]+\}/g, '[^/]+')}$`);
    if (method === m[1] && re.test(path)) return t;
  }
  return `${m[1]} ${path}`;
}

/**
 * The findings of a JUnit report: per test case (an operation, or the stateful tests), each
 * numbered case's failed checks, keyed "<METHOD> <path template>: <check title>".
 */
export function junitFindings(junit: string, templates: string[]): Finding[] {
  if (!junit) return [{ key: 'schemathesis: no report', detail: 'schemathesis wrote no JUnit report (see its output)' }];
  const parsed = new XMLParser({ ignoreAttributes: false, isArray: (name) => name === 'testcase' }).parse(junit) as {
    testsuites?: { testsuite?: { testcase?: JUnitCase[] } | { testcase?: JUnitCase[] }[] };
  };
  const findings: Finding[] = [];
  for (const suite of list(parsed.testsuites?.testsuite)) {
    for (const tc of suite.testcase ?? []) {
      for (const p of [...list(tc.failure), ...list(tc.error)]) {
        const text = typeof p === 'string' ? p : (p['#text'] ?? p['@_message'] ?? '');
        const cases = text.split(/^\d+\. Test Case ID: /m).slice(1);
        if (cases.length === 0) findings.push({ key: `${tc['@_name']}: ${text.split('\n')[0]}`, detail: text.slice(0, 1200) });
        for (const c of cases) {
          const curl = /^\s*(curl .*)$/m.exec(c)?.[1] ?? '';
          // A test case named for an operation is that operation; the stateful tests name theirs by the request.
          const op = /^[A-Z]+ \//.test(tc['@_name']) ? tc['@_name'] : (operationOfCurl(curl, templates) ?? tc['@_name']);
          const checks = [...c.matchAll(/^- (.+)$/gm)].map((m) => m[1]!.trim());
          for (const title of checks.length > 0 ? checks : ['(no check named)']) {
            findings.push({ key: `${op}: ${title}`, detail: c.trim().slice(0, 1500) });
          }
        }
      }
    }
  }
  return findings;
}
