/**
 * `search`: person search at bench volume (10 million persons) through the registry service the API calls
 * (`RegistryService.searchPersons` → `queries.searchPersons`, row-level security and all), as a grid worker of the
 * busiest grid and a leader of the busiest district: exact name, name typed in traditional script (張偉 → 张伟), a
 * misspelt name (trigram similarity), ID number and phone (blind indexes). Baselines in the same run and scope: the
 * naive queries (LIKE or similarity() on the unindexed name column; for ID number and phone, fetching the ciphertexts in
 * scope and decrypting them one by one).
 */
import { TerritoryService } from '../src/server/modules/territory/service.ts';
import { RegistryService } from '../src/server/modules/registry/service.ts';
import { DataCipher } from '../src/domain/crypto.ts';
import { toTraditional } from '../src/domain/text-normalize.ts';
import { sql } from 'kysely';
import type { UserCaller } from '../src/db/caller.ts';
import { busiestNode, callerAt, type Node } from './lib/callers.ts';
import { type BenchMain, row } from './lib/context.ts';
import { prepare } from './lib/dataset.ts';
import { serverVersions } from './lib/db.ts';
import type { Measure, Row } from './lib/report.ts';
import { latency, median, now, round } from './lib/stats.ts';

const KINDS = ['name', 'name (traditional script)', 'name (misspelt)', 'ID number', 'phone'] as const;
type Kind = (typeof KINDS)[number];
const TARGET_MS = 50;
const LIMIT = 50;
/** Characters a misspelt name ends in; one that makes no exact match anywhere is chosen. */
const TYPOS = [...'鸣茗岚骁珩璟玥翊镕湉'];

function ms(values: number[]): Measure {
  const l = latency(values);
  return { median: round(median(values)), p95: round(l.p95), p99: round(l.p99), unit: 'ms', n: l.n };
}

export const main: BenchMain = async (ctx) => {
  const d = await prepare(ctx, { people: true });
  const { b } = d;
  try {
    const cipher = new DataCipher(b.config.dataKey);
    const registry = new RegistryService(b.db, new TerritoryService(b.db), b.config);
    const perKind = ctx.quick ? 8 : Number(ctx.options.queries ?? 40);
    const scopes: Array<{ label: string; node: Node; caller: UserCaller; baselineReps: number }> = [];
    const grid = await busiestNode(b, 'grid', 'person');
    const district = await busiestNode(b, 'district', 'person');
    scopes.push({ label: 'grid worker', node: grid, caller: callerAt(grid, 'grid_worker'), baselineReps: ctx.quick ? 3 : 10 });
    scopes.push({ label: 'district leader', node: district, caller: callerAt(district, 'leader'), baselineReps: ctx.quick ? 2 : 3 });

    const rows: Row[] = [];
    const all: number[] = [];
    const allBase: number[] = [];
    const notes: string[] = [];
    for (const scope of scopes) {
      const { rows: cnt } = await b.admin.query<{ n: number }>('select count(*)::int as n from person where path <@ $1::ltree', [scope.node.path]);
      const inScope = cnt[0]?.n ?? 0;
      ctx.log(`${scope.label} at ${scope.node.code} ${scope.node.name}: ${inScope.toLocaleString('en-US')} persons in scope`);
      // A separate draw of persons for each kind, so that no kind finds the rows another kind just brought into cache.
      const { rows: picked } = await b.admin.query<{ name: string; name_key: string; id_number_enc: string; phone_enc: string | null }>(
        `select name, name_key, id_number_enc, phone_enc from person where path <@ $1::ltree and id_number_enc is not null and phone_enc is not null
         order by md5(id::text || 'bench') limit $2`,
        [scope.node.path, KINDS.length * (perKind + 3)],
      );
      const draw = (k: number) => picked.slice(k * (perKind + 3), (k + 1) * (perKind + 3));
      const queries: Record<Kind, string[]> = {
        name: draw(0).map((p) => p.name),
        'name (traditional script)': draw(1).map((p) => toTraditional(p.name, 'tw')),
        'name (misspelt)': [],
        'ID number': draw(3).map((p) => cipher.decrypt(p.id_number_enc)!),
        phone: draw(4).map((p) => cipher.decrypt(p.phone_enc)!),
      };
      for (const p of draw(2)) {
        for (const t of TYPOS) {
          const typo = p.name.slice(0, -1) + t;
          const { rows: ex } = await b.admin.query('select 1 from person where name_key = $1 limit 1', [typo]);
          if (ex.length === 0) {
            queries['name (misspelt)'].push(typo);
            break;
          }
        }
      }
      // How many persons city-wide share each exact name: an index on the name finds them all before the scope narrows.
      const { rows: namesakes } = await b.admin.query<{ n: number }>(
        'select count(*)::int as n from person where name_key = any($1::text[]) group by name_key',
        [[...draw(0), ...draw(1)].map((p) => p.name_key)],
      );
      const sakes = namesakes.map((r) => r.n);
      notes.push(`${scope.label}: namesakes city-wide of the names searched: median ${median(sakes)}, max ${Math.max(...sakes)}`);
      for (const kind of KINDS) {
        const list = queries[kind];
        const times: number[] = [];
        let found = 0;
        for (const [i, q] of list.entries()) {
          ctx.step(`${scope.label}: ${kind}`, i, list.length);
          const t0 = now();
          const r = await registry.searchPersons(scope.caller, q, LIMIT);
          const t = now() - t0;
          if (r.items.length > 0) found++;
          // The first three warm the caches and the plan; they are not counted.
          if (i >= 3) times.push(t);
        }
        ctx.endStep();
        const baseTimes: number[] = [];
        let baseFound = 0;
        for (let i = 0; i < scope.baselineReps; i++) {
          ctx.step(`${scope.label}: ${kind} baseline`, i, scope.baselineReps);
          const q = list[(i + 3) % list.length]!;
          const t0 = now();
          const n = await naive(b.db, scope.caller, cipher, kind, q);
          baseTimes.push(now() - t0);
          if (n > 0) baseFound++;
        }
        ctx.endStep();
        all.push(...times);
        allBase.push(...baseTimes);
        const result = ms(times);
        rows.push(
          row(`${scope.label} · ${kind}`, result, ms(baseTimes), { text: `p95 < ${TARGET_MS} ms`, met: (m) => (m.p95 ?? Infinity) < TARGET_MS },
            `found ${found}/${list.length}; baseline found ${baseFound}/${baseTimes.length}; ${inScope} persons in scope`),
        );
      }
    }
    const pooled = ms(all);
    const pooledBase = ms(allBase);
    notes.push(
      'Search goes through RegistryService.searchPersons (the API route\'s code) with row-level security in one transaction per query; limit 50.',
      'Baselines run in the same scope and transaction shape: LIKE / similarity() on the unindexed name column ordered as the service orders; ID number and phone: every ciphertext in scope fetched and decrypted until all are compared.',
      'The misspelt name ends in a character that makes no exact match anywhere in the database, so the service falls through to its LIKE/trigram query.',
    );
    return {
      machinePg: await serverVersions(b),
      db: `PostgreSQL (${b.name})`,
      volume: { persons: d.people?.persons ?? 0, grids: d.volume.grids, bytes: d.bytes },
      result: pooled,
      baseline: pooledBase,
      ratio: rows.length ? round(pooledBase.median / pooled.median) : null,
      target: `p95 < ${TARGET_MS} ms for every kind and scope`,
      met: rows.every((r) => r.met === true),
      rows,
      notes,
    };
  } finally {
    await b.close();
  }
};

/** The naive way to find the same thing, in the same scope. Returns how many rows it found. */
async function naive(db: import('../src/db/database.ts').Database, caller: UserCaller, cipher: DataCipher, kind: Kind, q: string): Promise<number> {
  return db.run(caller, async (trx) => {
    if (kind === 'ID number' || kind === 'phone') {
      const column = kind === 'ID number' ? sql`id_number_enc` : sql`phone_enc`;
      const { rows } = await sql<{ id: string; enc: string | null }>`select id::text as id, ${column} as enc from person`.execute(trx);
      const want = kind === 'phone' ? q.replace(/\D/g, '') : q.toUpperCase();
      let n = 0;
      for (const r of rows) if (r.enc && cipher.decrypt(r.enc) === want) n++;
      return n;
    }
    if (kind === 'name (misspelt)') {
      const { rows } = await sql`select id from person where similarity(name, ${q}) > 0.3 order by similarity(name, ${q}) desc, id limit ${LIMIT}`.execute(trx);
      return rows.length;
    }
    const { rows } = await sql`select id from person where name like ${`%${q}%`} order by id limit ${LIMIT}`.execute(trx);
    return rows.length;
  });
}
