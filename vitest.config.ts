import { defineConfig } from 'vitest/config';

// Two projects run the same integration tests on the two databases: the embedded PGlite and PostgreSQL + PostGIS
// (TEST_DATABASE_URL). Each worker keeps one migrated, seeded database for all its files (isolate: false), since
// creating a PostGIS database costs seconds; tests create their own rows and never rely on an empty table.
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
      {
        test: {
          ...shared,
          name: 'pglite',
          root: '.',
          include: ['src/**/*.test.ts', 'src/**/*.test.tsx'],
          env: { GRIDLOOP_TEST_BACKEND: 'pglite' },
          globalSetup: ['src/testing/global-setup.ts'],
        },
      },
      {
        test: {
          ...shared,
          name: 'postgres',
          root: '.',
          include: ['src/server/**/*.test.ts'],
          env: { GRIDLOOP_TEST_BACKEND: 'postgres' },
        },
      },
    ],
  },
});
