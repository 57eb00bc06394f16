import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemCaller } from '../db/caller.ts';
import { type Database, openPglite } from '../db/database.ts';
import { migrate } from '../db/migrate.ts';
import { validateIdNumber } from '../domain/id-number.ts';
import { IdentityService } from '../server/modules/identity/service.ts';
import { TEST_SECRETS } from '../testing/fixtures.ts';
import { PeopleExistError, type PeopleSummary, seedPeople } from './people.ts';
import { seedDemo } from './seed.ts';

const OPTIONS = { seed: 3, persons: 3000, components: 200, dataKey: Buffer.from(TEST_SECRETS.GRIDLOOP_DATA_KEY, 'utf8'), batchSize: 300 };
let db: Database;
let summary: PeopleSummary;

async function fingerprint(): Promise<string> {
  const rows = await db.run(systemCaller('test'), async (trx) =>
    (await sql<{ r: string }>`select concat_ws('|', p.id, p.name, p.id_number_index, p.birth_date, p.grid_id, r.residence_type, b.address)
      as r from person p join residence r on r.person_id = p.id join building b on b.id = r.building_id order by p.id`.execute(trx)).rows,
  );
  return createHash('sha256').update(rows.map((r) => r.r).join('\n')).digest('hex');
}

beforeAll(async () => {
  db = await openPglite(null);
  await migrate(db);
  await seedDemo(db, new IdentityService(db), { grids: 20, password: 'x-password-1' });
  summary = await seedPeople(db, OPTIONS);
}, 300_000);

afterAll(async () => {
  await db?.close();
});

describe('demo people', () => {
  it('fills every grid with buildings inside it, and households of plausible people', async () => {
    expect(summary).toMatchObject({ persons: 3000, components: 200 });
    expect(summary.households).toBeGreaterThan(950);
    expect(summary.households).toBeLessThan(1250);
    expect(summary.floating / summary.persons).toBeGreaterThan(0.22);
    expect(summary.floating / summary.persons).toBeLessThan(0.38);
    const r = await db.run(systemCaller('test'), async (trx) => ({
      emptyGrids: (await sql<{ n: number }>`select count(*)::int as n from jurisdiction j where j.level = 'grid'
        and not exists (select 1 from building b where b.grid_id = j.id)`.execute(trx)).rows[0]!.n,
      outside: (await sql<{ n: number }>`select count(*)::int as n from building b join jurisdiction j on j.id = b.grid_id
        where not st_contains(j.geom, b.point)`.execute(trx)).rows[0]!.n,
      withoutResidence: (await sql<{ n: number }>`select count(*)::int as n from person p
        where not exists (select 1 from residence r where r.person_id = p.id and r.moved_out is null)`.execute(trx)).rows[0]!.n,
      elderly: (await sql<{ n: number }>`select count(*)::int as n from person where birth_date < date '1961-01-01'`.execute(trx)).rows[0]!.n,
      codes: (await sql<{ code: string }>`select code from component`.execute(trx)).rows.map((c) => c.code),
      heads: (await sql<{ n: number }>`select count(*)::int as n from residence where relation = 'head'`.execute(trx)).rows[0]!.n,
    }));
    expect(r.emptyGrids).toBe(0);
    expect(r.outside).toBe(0);
    expect(r.withoutResidence).toBe(0);
    expect(r.heads).toBe(summary.households);
    // About a fifth of the population is 65 or older in an old inner-city district.
    expect(r.elderly / summary.persons).toBeGreaterThan(0.08);
    expect(r.elderly / summary.persons).toBeLessThan(0.35);
    expect(r.codes.every((c) => /^[0-9]{16}$/.test(c))).toBe(true);
    expect(new Set(r.codes).size).toBe(r.codes.length);
  });

  it('writes valid, encrypted ID numbers whose masks match', async () => {
    const rows = await db.run(systemCaller('test'), async (trx) =>
      (await sql<{ enc: string; masked: string }>`select id_number_enc as enc, id_number_masked as masked from person limit 50`.execute(trx)).rows,
    );
    const { DataCipher } = await import('../domain/crypto.ts');
    const cipher = new DataCipher(OPTIONS.dataKey);
    for (const r of rows) {
      const id = cipher.decrypt(r.enc)!;
      expect(validateIdNumber(id, { today: '2026-01-01' }).ok).toBe(true);
      expect(r.masked).toBe(`${id.slice(0, 6)}********${id.slice(-4)}`);
    }
  });

  it('comes out the same for the same seed, and refuses a registry that has persons', async () => {
    const first = await fingerprint();
    await expect(seedPeople(db, OPTIONS)).rejects.toBeInstanceOf(PeopleExistError);
    await db.runAsOwner('test', async (trx) => {
      for (const t of ['residence', 'person', 'household', 'building', 'component']) await sql`delete from ${sql.table(t)}`.execute(trx);
    });
    await seedPeople(db, OPTIONS);
    expect(await fingerprint()).toBe(first);
  });
});
