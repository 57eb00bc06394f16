import pg from 'pg';
import { rolesFor } from '../db/database.ts';

/**
 * The PostgreSQL suite's global setup: each worker creates `gl_test_<this pid>_<worker>`; the teardown drops those
 * databases and their roles, so runs leave nothing behind on the shared server.
 */
export default async function setup(): Promise<() => Promise<void>> {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) throw new Error('TEST_DATABASE_URL is not set: the PostgreSQL suite needs a server with PostGIS (see the README)');
  const prefix = `gl_test_${process.pid}_`;
  return async () => {
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    try {
      const { rows } = await admin.query<{ datname: string }>('select datname from pg_database where datname like $1', [`${prefix}%`]);
      for (const { datname } of rows) {
        await admin.query(`drop database if exists "${datname}" with (force)`);
        const roles = rolesFor(datname);
        for (const role of [roles.app, roles.public, roles.owner]) await admin.query(`drop role if exists "${role}"`);
      }
    } finally {
      await admin.end();
    }
  };
}
