#!/usr/bin/env node
// The long fuzzing run: the same property as CI's (src/server/security/fuzz.test.ts), with many more requests.
//
//   node scripts/fuzz-long.mjs [--runs N] [--seed S] [--route 'METHOD /path'] [--path P] [--backend pglite|postgres]
//
// --runs    generated requests in all, spread over the routes (default 200000)
// --seed    replay a run (a failure prints its seed, route and path); default: a new random seed, printed
// --route   fuzz one route only, by its key in the route table, e.g. 'GET /api/cases'
// --path    with --seed and --route: replay one counterexample exactly
// --backend postgres needs TEST_DATABASE_URL (a server with PostGIS), as the postgres test suite does
import { spawnSync } from 'node:child_process';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '200000' },
    seed: { type: 'string' },
    route: { type: 'string' },
    path: { type: 'string' },
    backend: { type: 'string', default: 'pglite' },
  },
});

const runs = Number(values.runs);
if (!Number.isInteger(runs) || runs < 1) {
  console.error('--runs must be a positive whole number');
  process.exit(2);
}
if (values.backend !== 'pglite' && values.backend !== 'postgres') {
  console.error('--backend must be pglite or postgres');
  process.exit(2);
}
if (values.backend === 'postgres' && !process.env.TEST_DATABASE_URL) {
  console.error('--backend postgres needs TEST_DATABASE_URL, e.g. postgres://postgres@127.0.0.1:5432/postgres');
  process.exit(2);
}
const seed = values.seed ?? String(Math.floor(Math.random() * 2 ** 31));
console.log(`fuzz-long: ${runs} requests, seed ${seed}${values.route ? `, route ${values.route}` : ''}, on ${values.backend}`);

const env = { ...process.env, GRIDLOOP_FUZZ_RUNS: String(runs), GRIDLOOP_FUZZ_SEED: seed };
if (values.route) env.GRIDLOOP_FUZZ_ROUTE = values.route;
if (values.path) env.GRIDLOOP_FUZZ_PATH = values.path;

// One file, one worker; the test's timeout grows with the number of runs.
const r = spawnSync('npx', ['vitest', 'run', '--project', values.backend, '--maxWorkers=1', 'src/server/security/fuzz.test.ts', '-t', 'hostile'], {
  stdio: 'inherit',
  env,
});
if (r.status !== 0) console.log(`fuzz-long: failed; replay with --seed ${seed} (and the --route and --path printed above)`);
process.exit(r.status ?? 1);
