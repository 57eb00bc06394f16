import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openPglite } from '../db/database.ts';
import { migrate } from '../db/migrate.ts';
import { seedDemo } from '../demo/seed.ts';
import { IdentityService } from '../server/modules/identity/service.ts';
import { TEST_GRIDS, TEST_PASSWORD } from './fixtures.ts';

/**
 * Builds one migrated and seeded embedded database and dumps it; every test worker loads the dump (~3 s) instead of
 * creating a PostGIS database of its own (~10 s) or seeding again.
 */
export default async function setup(): Promise<() => void> {
  const t0 = Date.now();
  const db = await openPglite(null);
  await migrate(db);
  await seedDemo(db, new IdentityService(db), { grids: TEST_GRIDS, password: TEST_PASSWORD });
  const dump = await db.pglite!.dumpDataDir('gzip');
  const file = join(tmpdir(), `gridloop-test-${process.pid}.tgz`);
  writeFileSync(file, Buffer.from(await dump.arrayBuffer()));
  await db.close();
  process.env.GRIDLOOP_TEST_SNAPSHOT = file;
  console.log(`test database snapshot ready in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  return () => {};
}
