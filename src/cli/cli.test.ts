import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { openPglite } from '../db/database.ts';
import { TEST_SECRETS } from '../testing/fixtures.ts';

const BIN = join(import.meta.dirname, '../../bin/gridloop.js');
const dataDir = mkdtempSync(join(tmpdir(), 'gridloop-cli-'));
const env = { ...process.env, ...TEST_SECRETS, GRIDLOOP_DATA_DIR: dataDir, GRIDLOOP_DEMO_PASSWORD: 'cli-test-pass' };

function gridloop(...args: string[]) {
  const r = spawnSync('node', [BIN, ...args], { env, encoding: 'utf8', timeout: 180_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

// Each command is a process of its own that boots the embedded database: tens of seconds each on a loaded machine.
describe('the gridloop command', { timeout: 240_000 }, () => {
  beforeAll(() => {
    // A small history and few residents: these tests are about the command, and a loaded machine seeds slowly.
    const r = gridloop('seed', '--demo', '--grids', '20', '--cases', '200', '--persons', '500');
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/seeded 1 district\(s\), \d+ streets, \d+ communities, \d+ grids/);
  }, 240_000);

  it('migrates idempotently', () => {
    const r = gridloop('migrate');
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/up to date at \d+/);
  });

  it('verifies the audit chain of a fresh city, then names the row edited by hand', async () => {
    const ok = gridloop('audit', 'verify');
    expect(ok.code, ok.err).toBe(0);
    expect(ok.out).toMatch(/audit chain intact: \d+ rows verified/);
    const anchor = gridloop('audit', 'anchor');
    expect(anchor.out.trim()).toMatch(/^\d+:[0-9a-f]{64}$/);

    const db = await openPglite(dataDir);
    const id = await db.admin.transaction().execute(async (trx) => {
      await sql`set local session_replication_role = replica`.execute(trx);
      const { rows } = await sql<{ id: string }>`update audit_log set action = 'user.delete'
        where chain_seq = 2 returning id::text as id`.execute(trx);
      return rows[0]!.id;
    });
    await db.close();
    const bad = gridloop('audit', 'verify');
    expect(bad.code).toBe(1);
    expect(bad.err.trim().split('\n')).toHaveLength(1);
    expect(bad.err).toContain(`audit row ${id} (chain position 2)`);
  });

  it('refuses with one line while another process holds the embedded database', async () => {
    const db = await openPglite(dataDir);
    try {
      const r = gridloop('migrate');
      expect(r.code).toBe(1);
      expect(r.err.trim().split('\n')).toHaveLength(1);
      expect(r.err).toMatch(/in use by Gridloop process \d+/);
    } finally {
      await db.close();
    }
  });

  it('refuses an overlapping territory file, naming the grids and the area, and exports GeoJSON', () => {
    const square = (x: number, w: number) => [[[x, 45], [x + w, 45], [x + w, 45.001], [x, 45.001], [x, 45]]];
    const f = (code: string, level: string, parentCode: string | null, coords: number[][][]) => ({
      type: 'Feature',
      properties: { code, level, name: code, parentCode },
      geometry: { type: 'Polygon', coordinates: coords },
    });
    const file = join(dataDir, 'bad.geojson');
    writeFileSync(
      file,
      JSON.stringify({
        type: 'FeatureCollection',
        features: [
          f('130100', 'city', null, square(120, 0.002)),
          f('130102', 'district', '130100', square(120, 0.002)),
          f('130102001', 'street', '130102', square(120, 0.002)),
          f('130102001001', 'community', '130102001', square(120, 0.002)),
          f('130102001001001', 'grid', '130102001001', square(120, 0.0012)),
          f('130102001001002', 'grid', '130102001001', [[[120.001, 45], [120.002, 45], [120.002, 45.001], [120.001, 45.001], [120.001, 45]]]),
        ],
      }),
    );
    const r = gridloop('import', 'territory', file);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/overlap: 130102001001001 and 130102001001002 overlap by [\d.]+ m²/);
    expect(r.err).toMatch(/nothing was changed/);
    const out = join(dataDir, 'out.geojson');
    const e = gridloop('export', 'territory', '--out', out);
    expect(e.code, e.err).toBe(0);
    expect(e.out).toMatch(/wrote \d+ features/);
  });

  it('creates a user and prints only a token on standard output', () => {
    const u = gridloop('user', 'create', '--username', 'cliuser', '--password', 'cli-pass-123', '--role', 'leader', '--jurisdiction', '110101');
    expect(u.code, u.err).toBe(0);
    const t = gridloop('token', 'create', '--user', 'cliuser', '--scopes', 'read,open311');
    expect(t.code, t.err).toBe(0);
    expect(t.out).toMatch(/^gl_[A-Za-z0-9_-]{43}\n$/);
    const bad = gridloop('user', 'create', '--username', 'x', '--password', 'p', '--role', 'emperor', '--jurisdiction', '1');
    expect(bad.code).not.toBe(0);
    expect(bad.err).toMatch(/role/);
  });
});
