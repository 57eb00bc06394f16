import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemCaller } from '../db/caller.ts';
import { type Database, openPglite } from '../db/database.ts';
import { migrate } from '../db/migrate.ts';
import { categoryByCode } from '../domain/categories.ts';
import {
  type ActionInput,
  type CaseAction,
  type CaseEvent,
  CASE_STATES,
  CHANNELS,
  type Channel,
  initialState,
  OPEN_STATES,
  type Performer,
  replay,
} from '../domain/workflow.ts';
import { ensureReferenceData } from '../server/modules/cases/reference.ts';
import { IdentityService } from '../server/modules/identity/service.ts';
import { TEST_SECRETS } from '../testing/fixtures.ts';
import { HistoryExistsError, type HistoryProgress, type HistorySummary, seedHistory } from './history.ts';
import { seedDemo } from './seed.ts';

// Two embedded PostGIS databases with the demo city (~15 s each on this machine kind) are most of this file's cost.
const SLOW = 300_000;
/** A Wednesday, 15:00 in Beijing: staff are at work, so every stage has cases in it. */
const AS_OF = new Date('2025-06-18T07:00:00Z');
const OPTIONS = {
  seed: 7,
  cases: 1500,
  asOf: AS_OF,
  dataKey: Buffer.from(TEST_SECRETS.GRIDLOOP_DATA_KEY, 'utf8'),
  timezone: 'Asia/Shanghai',
};

interface Opened {
  db: Database;
  dir: string;
}

async function fresh(): Promise<Opened> {
  const dir = mkdtempSync(join(tmpdir(), 'gridloop-history-'));
  const db = await openPglite(dir);
  await migrate(db);
  await seedDemo(db, new IdentityService(db), { grids: 40, password: 'x-long-password' });
  await ensureReferenceData(db);
  return { db, dir };
}

function query<T>(db: Database, q: ReturnType<typeof sql<T>>): Promise<T[]> {
  return db.run(systemCaller('test'), async (trx) => (await q.execute(trx)).rows);
}

interface CaseRow {
  id: string;
  channel: Channel;
  state: string;
  categoryCode: string;
  gridId: string | null;
  departmentId: string | null;
  parked: boolean;
  parkRequested: boolean;
  extensionRequested: boolean;
  callbackPending: boolean;
  supervised: boolean;
  reworkCount: number;
  escalationLevel: number;
}

interface EventRow {
  caseId: string;
  at: Date;
  actorRole: string;
  action: string;
  toState: string;
  details: Record<string, unknown> | null;
}

/** The action input a timeline row stands for, as far as the snapshot needs it (the service writes these details). */
function inputOf(e: EventRow): ActionInput {
  const d = e.details ?? {};
  const input: ActionInput = {};
  if (typeof d.department === 'string') input.departmentId = d.department;
  if (typeof d.grid === 'string') input.gridId = d.grid;
  if (typeof d.rating === 'number') input.rating = d.rating;
  if (typeof d.fixed === 'boolean') input.fixed = d.fixed;
  if (typeof d.primary === 'string') input.primaryCaseId = d.primary;
  return input;
}

async function digest(db: Database): Promise<string> {
  const cases = await query<{ line: string }>(
    db,
    sql`select concat_ws('|', id, state, category_code, channel, priority, to_char(reported_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS'),
        lat, lng, escalation_level, rework_count, supporters) as line
      from cases order by reported_at, id`,
  );
  const events = await query<{ line: string }>(
    db,
    sql`select concat_ws('|', id, case_id, to_char(at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS'), action, actor_role, to_state)
        as line from case_event order by case_id, at, id`,
  );
  const clocks = await query<{ line: string }>(
    db,
    sql`select concat_ws('|', id, case_id, stage, limit_minutes, started_at, stopped_at, deadline_at, overdue_at, escalations)
        as line from case_clock order by case_id, started_at, id`,
  );
  const h = createHash('sha256');
  for (const r of [...cases, ...events, ...clocks]) h.update(`${r.line}\n`);
  return h.digest('hex');
}

describe('seedHistory on embedded PGlite (40 grids, 1,500 cases)', () => {
  let a: Opened;
  let b: Opened | null = null;
  let summary: HistorySummary;
  const progress: HistoryProgress[] = [];

  beforeAll(async () => {
    a = await fresh();
    summary = await seedHistory(a.db, OPTIONS, (p) => progress.push(p));
  }, SLOW);

  afterAll(async () => {
    for (const o of [a, b]) {
      if (!o) continue;
      await o.db.close();
      rmSync(o.dir, { recursive: true, force: true });
    }
  });

  it('writes what it reports, in batches with progress', async () => {
    const [counts] = await query<{ cases: number; events: number; clocks: number }>(
      a.db,
      sql`select (select count(*)::int from cases) as cases, (select count(*)::int from case_event) as events,
        (select count(*)::int from case_clock) as clocks`,
    );
    // One district: nothing can be transferred, so no linked cases are added to the 1,500.
    expect(counts).toEqual({ cases: 1500, events: summary.events, clocks: summary.clocks });
    expect(summary.cases).toBe(1500);
    expect(summary.asOf).toEqual(AS_OF);
    expect(AS_OF.getTime() - summary.from.getTime()).toBeGreaterThan(180 * 86_400_000);
    expect(progress.at(-1)).toEqual({ step: 'history', done: 1500, total: 1500 });
    const [span] = await query<{ first: Date; last: Date }>(a.db, sql`select min(reported_at) as first, max(reported_at) as last from cases`);
    expect(span!.first.getTime()).toBeGreaterThanOrEqual(summary.from.getTime());
    expect(span!.last.getTime()).toBeLessThan(AS_OF.getTime());
    const [late] = await query<{ n: number }>(a.db, sql`select count(*)::int as n from case_event where at > ${AS_OF}`);
    expect(late!.n).toBe(0);
  });

  it('has every state, mostly closed, and every channel and many categories', async () => {
    const rows = await query<{ state: string; n: number }>(a.db, sql`select state, count(*)::int as n from cases group by state`);
    const by = Object.fromEntries(rows.map((r) => [r.state, r.n]));
    for (const s of CASE_STATES) {
      if (s === 'transferred') continue;
      expect(by[s] ?? 0, s).toBeGreaterThan(0);
    }
    expect(by.transferred ?? 0).toBe(0);
    expect(by.closed!).toBeGreaterThan(1500 * 0.7);
    const channels = await query<{ channel: string; n: number }>(a.db, sql`select channel, count(*)::int as n from cases group by channel order by n desc`);
    expect(channels.map((c) => c.channel)).toEqual(['resident', 'grid_patrol', 'hotline', 'sensor', 'law_enforcement', 'api']);
    const [cats] = await query<{ n: number; top: string }>(
      a.db,
      sql`select count(distinct category_code)::int as n, mode() within group (order by category_code) as top from cases`,
    );
    expect(cats!.n).toBeGreaterThan(30);
    expect(['E0102', 'E0505', 'E0501']).toContain(cats!.top);
  });

  it('replays every timeline to its case through the workflow', async () => {
    const cases = await query<CaseRow>(
      a.db,
      sql`select id, channel, state, category_code as "categoryCode", grid_id as "gridId", department_id as "departmentId",
        parked, park_requested as "parkRequested", extension_requested as "extensionRequested",
        callback_pending as "callbackPending", supervised, rework_count as "reworkCount", escalation_level as "escalationLevel"
      from cases order by id`,
    );
    const events = await query<EventRow>(
      a.db,
      sql`select case_id as "caseId", at, actor_role as "actorRole", action, to_state as "toState", details
      from case_event order by case_id, at, id`,
    );
    const byCase = new Map<string, EventRow[]>();
    for (const e of events) {
      const list = byCase.get(e.caseId) ?? [];
      list.push(e);
      byCase.set(e.caseId, list);
    }
    for (const c of cases) {
      const timeline = byCase.get(c.id) ?? [];
      const [first, ...rest] = timeline;
      expect(first?.action, c.id).toBe('intake');
      // A case a transfer opened starts `accepted` whatever its channel: replay it from there.
      const channel = initialState(c.channel) === first!.toState ? c.channel : CHANNELS.find((ch) => initialState(ch) === first!.toState)!;
      const category = categoryByCode(c.categoryCode)!;
      const replayed = replay(
        channel,
        rest.map((e): CaseEvent => ({ action: e.action as CaseAction, by: e.actorRole as Performer, at: e.at, input: inputOf(e) })),
        {
          gridId: c.gridId,
          districtId: null,
          departmentId: null,
          reporterMayVerify: category.reporterMayVerify,
          afterPhotoRequired: category.afterPhotoRequired,
        },
      );
      expect(
        {
          state: replayed.state,
          departmentId: replayed.departmentId,
          parked: replayed.parked,
          parkRequested: replayed.parkRequested,
          extensionRequested: replayed.extensionRequested,
          callbackPending: replayed.callbackPending,
          supervised: replayed.supervised,
          reworkCount: replayed.reworkCount,
          escalationLevel: replayed.escalationLevel,
        },
        c.id,
      ).toEqual({
        state: c.state,
        departmentId: c.departmentId,
        parked: c.parked,
        parkRequested: c.parkRequested,
        extensionRequested: c.extensionRequested,
        callbackPending: c.callbackPending,
        supervised: c.supervised,
        reworkCount: c.reworkCount,
        escalationLevel: c.escalationLevel,
      });
    }
  });

  it('runs exactly one stage clock per open unparked case, mirrored on the row, and none on closed or final ones', async () => {
    const open = OPEN_STATES as readonly string[];
    const rows = await query<{
      state: string;
      parked: boolean;
      running: number;
      stage: string | null;
      rowStage: string | null;
      deadline: Date | null;
      rowDeadline: Date | null;
      yellow: Date | null;
      rowYellow: Date | null;
      caseClocks: number;
    }>(
      a.db,
      sql`select c.state, c.parked, c.stage as "rowStage", c.stage_deadline_at as "rowDeadline", c.stage_yellow_at as "rowYellow",
        (select count(*)::int from case_clock k where k.case_id = c.id and k.stopped_at is null and k.stage <> 'case') as running,
        (select count(*)::int from case_clock k where k.case_id = c.id and k.stopped_at is null and k.stage = 'case') as "caseClocks",
        k.stage, k.deadline_at as deadline, k.yellow_at as yellow
      from cases c left join lateral (select * from case_clock k where k.case_id = c.id and k.stopped_at is null
        and k.stage <> 'case' order by started_at desc limit 1) k on true`,
    );
    for (const r of rows) {
      if (!open.includes(r.state)) {
        expect([r.running, r.caseClocks, r.rowStage, r.rowDeadline]).toEqual([0, 0, null, null]);
        continue;
      }
      expect(r.running).toBe(1);
      expect(r.caseClocks).toBe(1);
      expect(r.rowStage).toBe(r.stage);
      expect(r.rowDeadline?.getTime() ?? null).toBe(r.deadline?.getTime() ?? null);
      expect(r.rowYellow?.getTime() ?? null).toBe(r.yellow?.getTime() ?? null);
      // A parked case's clocks are paused: no deadline until it is taken up again.
      if (r.parked) expect(r.rowDeadline).toBeNull();
      else expect(r.rowDeadline).not.toBeNull();
    }
    expect(rows.some((r) => r.parked && open.includes(r.state))).toBe(true);
  });

  it('escalates overdue clocks as the sweeper would, up to the district', async () => {
    const [e] = await query<{ escalated: number; max: number; min: number; mismatched: number; overdueOpen: number; unmarked: number }>(
      a.db,
      sql`select count(*) filter (where escalation_level > 0)::int as escalated, max(escalation_level)::int as max,
        min(escalation_level)::int as min,
        count(*) filter (where escalation_level <> (select count(*) from case_event e where e.case_id = c.id and e.action = 'escalate'))::int as mismatched,
        count(*) filter (where state in ('reported', 'accepted', 'confirmed', 'registered', 'dispatched', 'handling', 'handled', 'verified')
          and not parked and stage_deadline_at <= ${AS_OF})::int as "overdueOpen",
        (select count(*)::int from case_clock k where k.stage <> 'case' and (k.overdue_at is null) <> (k.escalations = 0)) as unmarked
      from cases c`,
    );
    expect(e!.escalated).toBeGreaterThan(30);
    expect([e!.min, e!.max]).toEqual([0, 3]);
    expect(e!.mismatched).toBe(0);
    expect(e!.overdueOpen).toBeGreaterThan(0);
    expect(e!.unmarked).toBe(0);
    // Every running clock past its limit at the reference date has been marked overdue by then.
    const [missed] = await query<{ n: number }>(
      a.db,
      sql`select count(*)::int as n from case_clock k join cases c on c.id = k.case_id
        where k.stopped_at is null and k.stage <> 'case' and not c.parked and k.deadline_at < ${new Date(AS_OF.getTime() - 60_000)}
          and k.overdue_at is null`,
    );
    expect(missed!.n).toBe(0);
  });

  it('tells rework, extensions, parking, supervision, ratings and callbacks', async () => {
    const [o] = await query<{
      rework: number;
      extended: number;
      denied: number;
      parkedEver: number;
      supervised: number;
      rated: number;
      goodRatings: number;
      callbacks: number;
      pendingCallbacks: number;
      reopened: number;
      reassigned: number;
      returned: number;
    }>(
      a.db,
      sql`select
        (select count(*)::int from cases where rework_count > 0) as rework,
        (select count(*)::int from cases where extended) as extended,
        (select count(distinct case_id)::int from case_event where action = 'deny_extension') as denied,
        (select count(distinct case_id)::int from case_event where action = 'approve_park') as "parkedEver",
        (select count(*)::int from cases where supervised) as supervised,
        (select count(*)::int from cases where rating is not null) as rated,
        (select count(*)::int from cases where rating >= 4) as "goodRatings",
        (select count(*)::int from cases where callback_answer is not null) as callbacks,
        (select count(*)::int from cases where callback_pending) as "pendingCallbacks",
        (select count(distinct case_id)::int from case_event where action = 'reopen') as reopened,
        (select count(distinct case_id)::int from case_event where action = 'reassign') as reassigned,
        (select count(distinct case_id)::int from case_event where action = 'return') as returned`,
    );
    expect(o!.rework).toBeGreaterThan(0);
    expect(o!.extended).toBeGreaterThan(0);
    expect(o!.denied).toBeGreaterThan(0);
    expect(o!.parkedEver).toBeGreaterThan(0);
    expect(o!.supervised).toBeGreaterThan(0);
    expect(o!.rated).toBeGreaterThan(50);
    expect(o!.goodRatings / o!.rated).toBeGreaterThan(0.7);
    expect(o!.callbacks).toBeGreaterThan(100);
    expect(o!.reassigned + o!.returned).toBeGreaterThan(0);
    expect(o!.reopened).toBeGreaterThan(0);
    // Callbacks are made within days of closing: only recently closed hotline cases still wait for theirs.
    expect(o!.pendingCallbacks).toBeLessThan(o!.callbacks / 10);
    // Most cases end on time: the whole-case clock of most closed cases stopped before its deadline.
    const [t] = await query<{ closed: number; onTime: number }>(
      a.db,
      sql`select count(*)::int as closed, count(*) filter (where k.stopped_at <= k.deadline_at)::int as "onTime"
        from cases c join case_clock k on k.case_id = c.id and k.stage = 'case' where c.state = 'closed'`,
    );
    expect(t!.onTime / t!.closed).toBeGreaterThan(0.6);
  });

  it('merges duplicates into an existing live case, which counts them as supporters', async () => {
    const merged = await query<{ primaryState: string | null; sameCategory: boolean; before: boolean }>(
      a.db,
      sql`select p.state as "primaryState", p.category_code = c.category_code as "sameCategory", p.reported_at < c.reported_at as before
        from cases c left join cases p on p.id = c.primary_case_id where c.state = 'merged'`,
    );
    expect(merged.length).toBeGreaterThan(10);
    for (const m of merged) {
      expect(m.primaryState).not.toBeNull();
      expect(['merged', 'rejected', 'voided', 'transferred']).not.toContain(m.primaryState);
      expect(m.sameCategory && m.before).toBe(true);
    }
    const [s] = await query<{ wrong: number }>(
      a.db,
      sql`select count(*)::int as wrong from cases p
        where p.supporters <> (select count(*) from cases c where c.primary_case_id = p.id and c.state = 'merged')`,
    );
    expect(s!.wrong).toBe(0);
  });

  it('places every case inside its grid and numbers it by district, year and serial', async () => {
    const [p] = await query<{ outside: number; noGrid: number; badNumber: number; numbers: number; hashes: number }>(
      a.db,
      sql`select
        count(*) filter (where j.id is null or not st_covers(j.geom, c.geom))::int as outside,
        count(*) filter (where c.grid_id is null)::int as "noGrid",
        count(*) filter (where c.number !~ '^110101-20(24|25)-[0-9]{6}$'
          or split_part(c.number, '-', 2) <> to_char(c.reported_at at time zone 'Asia/Shanghai', 'YYYY'))::int as "badNumber",
        count(distinct c.number)::int as numbers, count(distinct c.tracking_hash)::int as hashes
      from cases c left join jurisdiction j on j.id = c.grid_id
      where c.linked_case_id is null or c.state = 'transferred'`,
    );
    expect(p).toEqual({ outside: 0, noGrid: 0, badNumber: 0, numbers: 1500, hashes: 1500 });
    const [coords] = await query<{ n: number }>(
      a.db,
      sql`select count(*)::int as n from cases where abs(st_x(geom) - lng) > 0 or abs(st_y(geom) - lat) > 0`,
    );
    expect(coords!.n).toBe(0);
  });

  it('encrypts the contact details of reporters who gave them, and keeps the rest anonymous', async () => {
    const [r] = await query<{ anonymous: number; withPhone: number; plain: number }>(
      a.db,
      sql`select count(*) filter (where anonymous)::int as anonymous,
        count(*) filter (where reporter_phone_enc is not null)::int as "withPhone",
        count(*) filter (where reporter_phone_enc is not null and reporter_phone_enc !~ '^v1\\.')::int as plain
      from cases`,
    );
    expect(r!.anonymous).toBeGreaterThan(100);
    expect(r!.withPhone).toBeGreaterThan(300);
    expect(r!.plain).toBe(0);
  });

  it('records one audit entry as system:seed and refuses a second history', async () => {
    const rows = await a.db.runAsOwner('test', async (trx) =>
      (await sql<{ actor: string; details: { cases: number; seed: number } }>`select actor, details from audit_log
        where action = 'seed.history'`.execute(trx)).rows,
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]!.actor).toBe('system:seed');
    expect(rows[0]!.details).toMatchObject({ cases: 1500, seed: 7 });
    await expect(seedHistory(a.db, OPTIONS)).rejects.toBeInstanceOf(HistoryExistsError);
  });

  it(
    'is deterministic for a seed and reference date',
    async () => {
      b = await fresh();
      const again = await seedHistory(b.db, OPTIONS);
      expect({ ...again, ms: 0 }).toEqual({ ...summary, ms: 0 });
      expect(await digest(b.db)).toBe(await digest(a.db));
    },
    SLOW,
  );
});
