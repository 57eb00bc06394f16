/**
 * Twelve months of cases at bench volume. The demo history (src/demo/history.ts) tells every case through the real
 * workflow, at a few hundred cases a second: far too slow for millions. So it writes a template of real stories over
 * the last six months, and SQL multiplies them:
 *   - recent copies: every template case again, its whole story (row, timeline, clocks) moved back by 0–3 hours and its
 *     position by up to ten metres, under new ids, numbers and tracking hashes;
 *   - older copies: the template's finished cases (closed, rejected, merged, voided, transferred) moved back by 182 days
 *     (26 weeks: weekdays and working hours stay where they were), which fills the six months before;
 * until the requested count is reached. Open cases thus exist only in the recent half, as in life. Every timestamp
 * column (and the clocks' pauses) moves by the case's one shift, so states, stage deadlines and clocks stay consistent.
 * Rows go in as INSERT … SELECT with triggers off and the tables' indexes dropped, built once afterwards.
 */
import { seedHistory } from '../../src/demo/history.ts';
import type { BenchDb } from './db.ts';
import { dropIndexes, droppedIndexes, restoreIndexes } from './indexes.ts';
import type { Step } from './load-people.ts';

export const CASE_TABLES = ['cases', 'case_event', 'case_clock'] as const;
const TERMINAL = `('closed', 'rejected', 'merged', 'voided', 'transferred')`;
/** Recent copies move back by up to this many seconds. */
const JITTER_S = 3 * 3600;
const OLDER_DAYS = 182;

export interface CasesStats {
  cases: number;
  events: number;
  clocks: number;
  template: number;
  recentCopies: number;
  olderCopies: number;
  asOf: string;
  phases: Record<string, number>;
}

interface Col {
  name: string;
  type: string;
}

async function columns(b: BenchDb, table: string): Promise<Col[]> {
  const { rows } = await b.admin.query<Col>(
    `select column_name as name, data_type as type from information_schema.columns
     where table_schema = 'public' and table_name = $1 and is_generated = 'NEVER' and identity_generation is null order by ordinal_position`,
    [table],
  );
  return rows;
}

/** A new id for an old one in copy k: a UUIDv7 layout whose time prefix is the (moved) instant `at`. */
function newId(old: string, at: string): string {
  return `(lpad(to_hex((extract(epoch from ${at}) * 1000)::bigint), 12, '0') || '7' || substr(md5(${old}::text || ':' || $1::text), 1, 3)
    || '8' || substr(md5(${old}::text || ':' || $1::text), 4, 15))::uuid`;
}

/** The shift of a case in copy k ($1) of kind recent ($2 = false) or older ($2 = true), as an interval. */
const SHIFT = (caseId: string) =>
  `(case when $2 then interval '${OLDER_DAYS} days' else interval '0' end + make_interval(secs => abs(hashtext(${caseId}::text || ':' || $1::text)) % ${JITTER_S}))`;

function expr(table: 'cases' | 'case_event' | 'case_clock', c: Col): string {
  const caseId = table === 'cases' ? 'x.id' : 'x.case_id';
  const shift = SHIFT(caseId);
  if (table === 'cases') {
    if (c.name === 'id') return newId('x.id', `(x.reported_at - ${shift})`);
    if (c.name === 'primary_case_id' || c.name === 'linked_case_id') {
      return `case when x.${c.name} is null then null else ${newId(`x.${c.name}`, `(p_${c.name}.reported_at - ${SHIFT(`x.${c.name}`)})`)} end`;
    }
    if (c.name === 'number') {
      return `split_part(x.number, '-', 1) || '-' || to_char((x.reported_at - ${shift}) at time zone 'Asia/Shanghai', 'YYYY') || '-' || lpad(nextval('case_serial')::text, 7, '0')`;
    }
    if (c.name === 'tracking_hash') return `encode(sha256(convert_to(x.tracking_hash || ':' || $1::text, 'UTF8')), 'hex')`;
    if (c.name === 'client_key') return `case when x.client_key is null then null else encode(sha256(convert_to(x.client_key || ':' || $1::text, 'UTF8')), 'hex') end`;
    if (c.name === 'lat') return `x.lat + ((abs(hashtext(x.id::text || ':lat:' || $1::text)) % 2001) - 1000) * 1e-7`;
    if (c.name === 'lng') return `x.lng + ((abs(hashtext(x.id::text || ':lng:' || $1::text)) % 2001) - 1000) * 1.2e-7`;
    if (c.name === 'geom') {
      return `st_setsrid(st_makepoint(x.lng + ((abs(hashtext(x.id::text || ':lng:' || $1::text)) % 2001) - 1000) * 1.2e-7,
        x.lat + ((abs(hashtext(x.id::text || ':lat:' || $1::text)) % 2001) - 1000) * 1e-7), 4326)`;
    }
  } else {
    if (c.name === 'id') return newId('x.id', `(x.${table === 'case_event' ? 'at' : 'started_at'} - ${shift})`);
    if (c.name === 'case_id') return newId('x.case_id', `(t.reported_at - ${shift})`);
    if (c.name === 'pauses') {
      return `(select coalesce(jsonb_agg(jsonb_build_object('from', (p->>'from')::timestamptz - ${shift}, 'to', (p->>'to')::timestamptz - ${shift})), '[]'::jsonb)
        from jsonb_array_elements(x.pauses) p)`;
    }
  }
  if (c.type === 'timestamp with time zone') return `x.${c.name} - ${shift}`;
  if (c.type === 'date') return `case when $2 then x.${c.name} - ${OLDER_DAYS} else x.${c.name} end`;
  return `x.${c.name}`;
}

/**
 * The INSERT … SELECT of one copy per table, reading the template's snapshot (bench_tpl_*), never the growing tables:
 * $1 = copy number, $2 = older copy, $3 = only template cases with n < $3.
 */
async function copyStatements(b: BenchDb): Promise<Record<'cases' | 'case_event' | 'case_clock', string>> {
  const out = {} as Record<'cases' | 'case_event' | 'case_clock', string>;
  for (const table of CASE_TABLES) {
    const cols = await columns(b, table);
    const list = cols.map((c) => c.name).join(', ');
    const values = cols.map((c) => expr(table, c)).join(',\n      ');
    if (table === 'cases') {
      out[table] = `insert into cases (${list}) select ${values}
        from bench_tpl_cases x
        left join bench_tpl_cases p_primary_case_id on p_primary_case_id.id = x.primary_case_id
        left join bench_tpl_cases p_linked_case_id on p_linked_case_id.id = x.linked_case_id
        where x.bench_n < $3 and (not $2 or x.bench_terminal)`;
    } else {
      const tpl = table === 'case_event' ? 'bench_tpl_event' : 'bench_tpl_clock';
      out[table] = `insert into ${table} (${list}) select ${values}
        from bench_tpl_cases t join ${tpl} x on x.case_id = t.id where t.bench_n < $3 and (not $2 or t.bench_terminal)`;
    }
  }
  return out;
}

export async function loadCases(b: BenchDb, spec: { cases: number; seed: number }, step: Step, log: (m: string) => void): Promise<CasesStats> {
  const phases: Record<string, number> = {};
  let t = Date.now();
  const lap = (name: string) => {
    phases[name] = (Date.now() - t) / 1000;
    t = Date.now();
  };
  const c = await b.admin.connect();
  try {
    // Case rows are referenced by nothing outside these tables but attachments and the bench's own template.
    await c.query('set session_replication_role = replica');
    await c.query(`truncate case_attachment, ${CASE_TABLES.join(', ')}`);
    await c.query(`delete from audit_log where action = 'seed.history'`);
    await c.query('reset session_replication_role');
    if ((await droppedIndexes(b.admin)).length > 0) await restoreIndexes(b.admin);
    const template = Math.max(Math.min(spec.cases, 2000), Math.min(20_000, Math.round(spec.cases / 100)));
    log(`  template: ${template.toLocaleString('en-US')} cases told through the workflow (src/demo/history.ts)`);
    // The history seeder ends by rebuilding the command center's rollups (migration 0004). The bench loads at the
    // frozen schema (schema.ts), where that function does not exist yet: a stand-in that does nothing serves for the
    // template, and the rollups are rebuilt once every copy is in (rollup.ts).
    const { rows: fn } = await c.query<{ e: boolean }>(`select to_regprocedure('command_rollup_rebuild()') is not null as e`);
    const standIn = !fn[0]?.e;
    if (standIn) await c.query(`create function command_rollup_rebuild() returns bigint language sql as 'select 0::bigint'`);
    let h: Awaited<ReturnType<typeof seedHistory>>;
    try {
      h = await seedHistory(b.db, { seed: spec.seed, cases: template, dataKey: b.config.dataKey, timezone: b.config.timezone }, (p) =>
        step('template', p.done, p.total),
      );
    } finally {
      if (standIn) await c.query('drop function if exists command_rollup_rebuild()');
    }
    lap('template');
    // The template's rows, kept aside: every copy reads these, so a copy costs the same at the first and the last.
    await c.query('drop table if exists bench_tpl_cases, bench_tpl_event, bench_tpl_clock');
    await c.query(`create table bench_tpl_cases as
      select c.*, c.state in ${TERMINAL} as bench_terminal, (row_number() over (order by c.id) - 1)::int as bench_n from cases c`);
    await c.query('create unique index on bench_tpl_cases (id)');
    await c.query('create table bench_tpl_event as select * from case_event');
    await c.query('create table bench_tpl_clock as select * from case_clock');
    await c.query('analyze bench_tpl_cases; analyze bench_tpl_event; analyze bench_tpl_clock');
    const { rows: tr } = await c.query<{ all: number; terminal: number }>(
      'select count(*)::int as all, count(*) filter (where bench_terminal)::int as terminal from bench_tpl_cases',
    );
    const all = tr[0]!.all;
    const terminal = tr[0]!.terminal;
    // Recent and older copies in turn, so that the two halves of the year hold about as many cases.
    const plan: Array<{ older: boolean; take: number }> = [];
    let total = all;
    let k = 0;
    while (total < spec.cases) {
      const older = k % 2 === 0;
      const size = older ? terminal : all;
      const need = spec.cases - total;
      plan.push({ older, take: Math.min(size, need) });
      total += Math.min(size, need);
      k++;
    }
    await dropIndexes(b.admin, CASE_TABLES);
    lap('drop');
    const stmts = await copyStatements(b);
    await c.query('set session_replication_role = replica; set synchronous_commit = off');
    for (const [i, p] of plan.entries()) {
      step('copies', i, plan.length, p.older ? 'older' : 'recent');
      // `take` of the template in template order (n), and for an older copy of its terminal cases only: n < limit
      // picks a prefix; the prefix of terminal cases is found by the n of the take-th terminal case.
      let limit = all;
      if (p.take < (p.older ? terminal : all)) {
        const { rows } = await c.query<{ n: number }>(
          p.older
            ? 'select bench_n as n from bench_tpl_cases where bench_terminal order by bench_n offset $1 limit 1'
            : 'select bench_n as n from bench_tpl_cases order by bench_n offset $1 limit 1',
          [p.take],
        );
        limit = rows[0]?.n ?? all;
      }
      await c.query('begin');
      for (const table of CASE_TABLES) await c.query(stmts[table], [i + 1, p.older, limit]);
      await c.query('commit');
    }
    step('copies', plan.length, plan.length);
    await c.query('reset session_replication_role');
    lap('copies');
    await restoreIndexes(b.admin, (done, n, name) => step('indexes', done, n, name));
    lap('indexes');
    for (const [i, table] of CASE_TABLES.entries()) {
      step('vacuum', i, CASE_TABLES.length, table);
      await c.query(`vacuum (analyze) ${table}`);
    }
    lap('vacuum');
    const { rows: n } = await c.query<{ cases: string; events: string; clocks: string }>(
      `select (select count(*) from cases)::text as cases, (select count(*) from case_event)::text as events, (select count(*) from case_clock)::text as clocks`,
    );
    return {
      cases: Number(n[0]!.cases),
      events: Number(n[0]!.events),
      clocks: Number(n[0]!.clocks),
      template: all,
      recentCopies: plan.filter((p) => !p.older).length,
      olderCopies: plan.filter((p) => p.older).length,
      asOf: h.asOf.toISOString(),
      phases,
    };
  } finally {
    c.release();
  }
}
