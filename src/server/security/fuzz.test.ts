import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SecurityEnv, securityEnv } from './env.ts';
import { buildFixture, type Fixture } from './fixture.ts';
import { type FuzzRequest, type Pools, poolsOf, requestArb } from './fuzz-requests.ts';
import { problemWith, send } from './http.ts';
import { fromOpenApiPath } from './route-table.ts';

/**
 * Hostile input for every route: `GRIDLOOP_FUZZ_RUNS` generated requests in all (by default 10,000 on PGlite and a
 * 2,000 smoke run on PostgreSQL, for the SQL the two disagree on), each sent as one of the fixture's principals.
 * Property: no 5xx, no crash, and every refusal a 4xx with a catalogued code (and the field for bad input).
 * `scripts/fuzz-long.mjs` runs more; a failure prints the seed and path that replay it (GRIDLOOP_FUZZ_SEED,
 * GRIDLOOP_FUZZ_ROUTE, GRIDLOOP_FUZZ_PATH).
 */
const RUNS = Number(process.env.GRIDLOOP_FUZZ_RUNS ?? (process.env.GRIDLOOP_TEST_BACKEND === 'postgres' ? 2_000 : 10_000));
const SEED = process.env.GRIDLOOP_FUZZ_SEED ? Number(process.env.GRIDLOOP_FUZZ_SEED) : Math.floor(Math.random() * 2 ** 31);
const ONLY = process.env.GRIDLOOP_FUZZ_ROUTE;
const PATH = process.env.GRIDLOOP_FUZZ_PATH;

let env: SecurityEnv;
let fx: Fixture;
let pools: Pools;

beforeAll(async () => {
  env = await securityEnv('fuzz');
  fx = await buildFixture(env);
  pools = poolsOf(fx);
});

afterAll(async () => {
  await env?.close();
});

/** One seed per route, so that adding a route does not change what the others are sent. */
function seedFor(key: string): number {
  let h = SEED | 0;
  for (const ch of key) h = (Math.imul(h, 31) + ch.charCodeAt(0)) | 0;
  return h;
}

function show(r: FuzzRequest): string {
  const payload = r.payload === undefined ? '' : Buffer.isBuffer(r.payload) ? r.payload.toString('latin1') : r.payload;
  const headers = Object.fromEntries(Object.entries(r.headers).filter(([k]) => !['cookie', 'x-csrf-token', 'authorization'].includes(k) || r.principal === 'public'));
  return JSON.stringify({ ...r, url: r.url.slice(0, 400), headers, payload: `${payload.slice(0, 400)}${payload.length > 400 ? `… (${payload.length} bytes)` : ''}` });
}

describe('fuzzing every route', () => {
  it('generates requests for every path of the OpenAPI document', () => {
    const doc = env.app.swagger() as { paths: Record<string, Record<string, unknown>> };
    const keys = new Set(env.routes.map((r) => r.key));
    const documented = Object.entries(doc.paths).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${fromOpenApiPath(p)}`));
    expect(documented.length).toBeGreaterThan(40);
    expect(documented.filter((k) => !keys.has(k))).toEqual([]);
  });

  // About 10 ms a request on a quiet machine: the timeout leaves room for a loaded one.
  it(`answers ${RUNS} hostile requests without a 5xx, a crash or a refusal lacking its code`, { timeout: Math.max(600_000, RUNS * 100) }, async () => {
    const routes = env.routes.filter((r) => !ONLY || r.key === ONLY);
    expect(routes.length, `no route ${ONLY}`).toBeGreaterThan(0);
    // Routes without input (documentation, the web app's files) get a few runs for their headers; the rest share the
    // budget.
    const inert = (r: (typeof routes)[number]) => !r.schema?.params && !r.schema?.querystring && !r.schema?.body && r.method === 'GET';
    const FEW = 10;
    const active = routes.filter((r) => !inert(r)).length;
    const perRoute = Math.ceil((RUNS - FEW * (routes.length - active)) / Math.max(active, 1));
    const failures: string[] = [];
    let sent = 0;
    const statuses = new Map<number, number>();
    const started = Date.now();
    for (const route of routes) {
      const seed = seedFor(route.key);
      const property = fc.asyncProperty(requestArb(route, fx, pools), async (req) => {
        const principal = fx.principals.find((p) => p.name === req.principal)!;
        // Logging out ends the session it is sent with: give it one of its own.
        const headers = route.key === 'POST /api/auth/logout' ? { ...req.headers, ...(await fx.freshSession(principal)) } : req.headers;
        env.errors.last = null;
        const answer = await send(env.app, { method: req.method as 'GET', url: req.url, headers, payload: req.payload, remoteAddress: req.remoteAddress });
        sent++;
        statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
        const problem = problemWith(req.method, req.url, answer);
        if (problem) {
          const cause = env.errors.last ? `\nserver error: ${(env.errors.last as Error).stack?.split('\n').slice(0, 6).join('\n')}` : '';
          throw new Error(`${problem}: ${answer.body.toString('utf8').slice(0, 300)}${cause}`);
        }
      });
      const out = await fc.check(property, { seed, numRuns: inert(route) ? FEW : perRoute, ...(PATH ? { path: PATH } : {}) });
      if (out.failed) {
        const req = out.counterexample?.[0] as FuzzRequest | undefined;
        failures.push(
          `${route.key}: ${String((out.errorInstance as Error | undefined)?.message ?? 'no error instance')}\n  request: ${req ? show(req) : '?'}\n` +
            `  replay: node scripts/fuzz-long.mjs --backend ${env.backend} --seed ${SEED} --route '${route.key}' --path ${out.counterexamplePath}`,
        );
      }
      const health = await env.app.inject({ method: 'GET', url: '/api/health' });
      expect(health.statusCode, `the server is unwell after fuzzing ${route.key}`).toBe(200);
    }
    const seconds = (Date.now() - started) / 1000;
    const byStatus = [...statuses].sort(([a], [b]) => a - b).map(([st, n]) => `${st}: ${n}`).join(', ');
    console.log(`fuzz: ${sent} requests over ${routes.length} routes in ${seconds.toFixed(1)} s (seed ${SEED}); answers ${byStatus}`);
    expect(failures, `seed ${SEED}\n${failures.join('\n\n')}`).toEqual([]);
    if (!ONLY && !PATH) expect(sent).toBeGreaterThanOrEqual(RUNS);
  });
});
