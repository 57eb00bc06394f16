#!/usr/bin/env node
// The long crash test on PostgreSQL: `node scripts/crash-test.mjs [--kills N] [--clients N] [--between MIN-MAX]`.
// Needs TEST_DATABASE_URL (a superuser on a server with PostGIS); creates and drops its own database. Residents report
// with Idempotency-Key and retry while the server is killed with SIGKILL and restarted; afterwards every acknowledged
// report must exist exactly once and nothing half-written may remain. Exit code 1 when anything does not hold.
import { parseArgs } from 'node:util';
import { register } from 'tsx/esm/api';

register();
const { values } = parseArgs({
  options: {
    kills: { type: 'string', default: '20' },
    clients: { type: 'string', default: '16' },
    between: { type: 'string', default: '1000-6000' },
  },
});
const [min, max] = values.between.split('-').map(Number);
const { runPostgresCrash } = await import('../src/server/reliability/crash.ts');
const { scratchPostgres, seededDatabase, openScratch, tempDir, removeTempDirs } = await import('../src/server/reliability/scratch.ts');

if (!process.env.TEST_DATABASE_URL) {
  console.error('crash-test: set TEST_DATABASE_URL, e.g. postgres://postgres@127.0.0.1:5432/postgres');
  process.exit(2);
}
const scratch = await scratchPostgres('crashlong');
let failed = true;
try {
  await (await seededDatabase(() => openScratch(scratch))).close();
  const t0 = Date.now();
  const out = await runPostgresCrash({
    databaseUrl: scratch.url,
    dataDir: tempDir('crash-long'),
    clients: Number(values.clients),
    kills: Number(values.kills),
    between: [min, max],
    log: (m) => console.log(m),
  });
  const problems = [
    ...out.load.refusals.map((r) => `refused: ${r}`),
    ...out.integrity.problems,
    ...out.tracked.wrong.map((w) => `tracking: ${w}`),
    ...(out.audit.ok ? [] : [`audit chain: ${out.audit.problem}`]),
  ];
  console.log(
    `${out.kills} kills in ${((Date.now() - t0) / 1000).toFixed(0)} s; ${out.load.acks.length} reports acknowledged, ` +
      `${out.load.sent.length} sent, ${out.integrity.cases} cases stored; retries ${JSON.stringify(out.load.retries)}; ` +
      `${out.orphans.found} photos of transactions that never committed, deleted by the orphan sweep with the temporary files of writes cut short (${out.orphans.swept} files in all); ` +
      `audit chain ${out.audit.ok ? `intact (${out.audit.checked} rows)` : 'BROKEN'}`,
  );
  for (const p of problems) console.log(`PROBLEM: ${p}`);
  failed = problems.length > 0;
  console.log(failed ? 'crash test FAILED' : 'crash test passed');
} finally {
  await scratch.drop();
  removeTempDirs();
}
process.exit(failed ? 1 : 0);
