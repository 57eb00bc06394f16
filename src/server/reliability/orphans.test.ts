import { mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { systemCaller } from '../../db/caller.ts';
import { newId } from '../../domain/ids.ts';
import { type TestEnv, testEnv } from '../../testing/context.ts';
import { multipart, TINY_JPEG } from '../../testing/uploads.ts';
import { storageRoot } from '../backup/files.ts';
import { sweepOrphanFiles } from '../backup/orphans.ts';

let env: TestEnv;
let point: { lat: number; lng: number };

beforeAll(async () => {
  env = await testEnv();
  point = await env.db.run(systemCaller('test'), async (trx) => {
    const { rows } = await sql<{ lat: number; lng: number }>`select st_y(p) as lat, st_x(p) as lng
      from (select st_pointonsurface(geom) as p from jurisdiction where level = 'grid' order by code limit 1) x`.execute(trx);
    return rows[0]!;
  });
});

describe('the orphan file sweep', () => {
  it('deletes old photos that no attachment names, and nothing else', async () => {
    const upload = multipart(
      { categoryCode: 'E0102', lat: String(point.lat), lng: String(point.lng), description: 'orphan sweep', deviceId: `dev-${newId()}` },
      [{ field: 'photos', name: 'p.jpg', type: 'image/jpeg', data: TINY_JPEG }],
    );
    const r = await env.app.inject({ method: 'POST', url: '/api/reports', payload: upload.payload, headers: upload.headers });
    expect(r.statusCode, r.body).toBe(201);
    const caseId = (r.json() as { caseId: string }).caseId;
    const keys = await env.db.run(systemCaller('test'), async (trx) => {
      const { rows } = await sql<{ a: string; b: string }>`select storage_key as a, public_storage_key as b from case_attachment
        where case_id = ${caseId}`.execute(trx);
      return rows.flatMap((x) => [x.a, x.b]);
    });
    expect(keys).toHaveLength(2);
    const root = storageRoot(env.ctx.config.dataDir);
    const month = keys[0]!.split('/').slice(0, 3).join('/');
    const put = (key: string, ageMs: number) => {
      const path = join(root, ...key.split('/'));
      mkdirSync(join(path, '..'), { recursive: true });
      writeFileSync(path, 'x');
      const t = new Date(Date.now() - ageMs);
      utimesSync(path, t, t);
    };
    const hour = 3_600_000;
    // Left by killed transactions: beside the case's own photo, in a case that never committed, a torn write.
    const old = [`${month}/${caseId}/${newId()}.jpg`, `${month}/${newId()}/${newId()}.jpg`, `${month}/${caseId}/.${newId()}.tmp`];
    for (const k of old) put(k, 2 * hour);
    const fresh = `${month}/${newId()}/${newId()}.jpg`;
    put(fresh, 0);

    const first = await sweepOrphanFiles(env.db, root, { olderThanMs: hour });
    expect(first.deleted).toEqual(expect.arrayContaining(old));
    expect(first.deleted).not.toContain(fresh);
    for (const k of [...keys, fresh]) expect(await env.ctx.storage.exists(k), k).toBe(true);

    const later = await sweepOrphanFiles(env.db, root, { olderThanMs: hour, now: new Date(Date.now() + 2 * hour) });
    expect(later.deleted).toContain(fresh);
    for (const k of keys) expect(await env.ctx.storage.exists(k), k).toBe(true);
  });
});
