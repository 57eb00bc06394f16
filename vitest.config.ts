import { defineConfig } from 'vitest/config';

// Three projects. `unit`: pure rules and the web app's logic, no database. `pglite` and `postgres` run the same
// integration tests on the two databases: the embedded PGlite and PostgreSQL + PostGIS (TEST_DATABASE_URL). Each
// worker keeps one migrated, seeded database for all its files (isolate: false), since creating a PostGIS database
// costs seconds; tests create their own rows and never rely on an empty table.
const UNIT = ['src/domain/**/*.test.ts', 'src/web/**/*.test.ts', 'src/web/**/*.test.tsx', 'src/**/*.unit.test.ts'];

const shared = {
  pool: 'forks' as const,
  isolate: false,
  maxWorkers: 2,
  testTimeout: 60_000,
  hookTimeout: 240_000,
};

export default defineConfig({
  test: {
    projects: [
      { test: { name: 'unit', root: '.', include: UNIT, testTimeout: 60_000, sequence: { groupOrder: 0 } } },
      {
        test: {
          ...shared,
          name: 'pglite',
          sequence: { groupOrder: 1 },
          root: '.',
          include: ['src/server/**/*.test.ts', 'src/cli/**/*.test.ts', 'src/demo/**/*.test.ts'],
          exclude: UNIT,
          env: { GRIDLOOP_TEST_BACKEND: 'pglite' },
          globalSetup: ['src/testing/global-setup.ts'],
        },
      },
      {
        test: {
          ...shared,
          name: 'postgres',
          sequence: { groupOrder: 2 },
          root: '.',
          include: ['src/server/**/*.test.ts'],
          exclude: UNIT,
          env: { GRIDLOOP_TEST_BACKEND: 'postgres' },
          globalSetup: ['src/testing/postgres-setup.ts'],
        },
      },
    ],
  },
});
