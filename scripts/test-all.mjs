#!/usr/bin/env node
// The test command: both database suites and the browser test, with one closing line that counts them all.
// Without TEST_DATABASE_URL the PostgreSQL suite is skipped with a loud notice, except in CI (CI=true), where that fails.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ci = process.env.CI === 'true';
const out = mkdtempSync(join(tmpdir(), 'gridloop-tests-'));
let passed = 0;
let failed = 0;
let skipped = 0;
const problems = [];

function vitest(project) {
  const report = join(out, `${project}.json`);
  const r = spawnSync(
    'npx',
    ['vitest', 'run', '--project', project, '--reporter=default', '--reporter=json', `--outputFile.json=${report}`],
    { stdio: 'inherit', env: process.env },
  );
  if (existsSync(report)) {
    const j = JSON.parse(readFileSync(report, 'utf8'));
    passed += j.numPassedTests;
    failed += j.numFailedTests;
    skipped += j.numPendingTests + (j.numTodoTests ?? 0);
  }
  if (r.status !== 0) {
    problems.push(`vitest ${project} exited ${r.status}`);
    if (!existsSync(report)) failed += 1;
  }
}

function loud(msg) {
  const bar = '!'.repeat(100);
  console.log(`\n${bar}\n${msg}\n${bar}\n`);
}

vitest('unit');
vitest('pglite');

if (process.env.TEST_DATABASE_URL) {
  vitest('postgres');
} else if (ci) {
  loud('TEST_DATABASE_URL is not set, and CI=true: the PostgreSQL suite must run in CI. Failing.');
  failed += 1;
  problems.push('PostgreSQL suite missing');
} else {
  loud(
    'SKIPPED: the PostgreSQL + PostGIS suite. Set TEST_DATABASE_URL (e.g. postgres://postgres@127.0.0.1:5432/postgres)\n' +
      'to run it; see the README. CI always runs it.',
  );
}

if (process.env.GRIDLOOP_SKIP_E2E === '1' && !ci) {
  loud('SKIPPED: the browser test (GRIDLOOP_SKIP_E2E=1).');
} else if (!existsSync('/usr/bin/chromium')) {
  if (ci) {
    failed += 1;
    problems.push('chromium missing');
    loud('/usr/bin/chromium is missing, and CI=true: the browser test must run. Failing.');
  } else {
    loud('SKIPPED: the browser test: /usr/bin/chromium is not installed (apt-get install -y chromium fonts-noto-cjk).');
  }
} else {
  const r = spawnSync('node', ['scripts/e2e.mjs'], { stdio: ['ignore', 'pipe', 'inherit'], env: process.env, encoding: 'utf8' });
  process.stdout.write(r.stdout ?? '');
  const m = /e2e: (\d+) passed, (\d+) failed/.exec(r.stdout ?? '');
  if (m) {
    passed += Number(m[1]);
    failed += Number(m[2]);
  }
  if (r.status !== 0) {
    problems.push(`e2e exited ${r.status}`);
    if (!m || Number(m[2]) === 0) failed += 1;
  }
}

if (problems.length) console.log(`problems: ${problems.join('; ')}`);
console.log(`\ntests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 ? 1 : 0);
