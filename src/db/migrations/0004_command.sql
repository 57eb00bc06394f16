-- The command center (issue 5): exact per-node aggregates of cases that never serialise intake on a hot row.
-- See src/server/modules/command/README.md for the design: facts, deltas, fold, the exactness argument and the
-- overdue buckets.

-- 1. Scope on cases in the indexable form. `path ? (select …)` is one operator whose right side is computed once per
-- statement (an InitPlan): the GiST index on path answers it, and a filter never recomputes the scope per row. The
-- former `scope_all() or path <@ scope()` (and also `is_public() or path ? scope_lquery()`) is an OR the planner
-- cannot index, with the scope function evaluated for every row (measured on 20,000 cases: 672 ms for a
-- community's count, against 5 ms now). Same meaning: '*' for the system and for the public, whose reads go through
-- the public_* views only; the caller's subtrees otherwise. SELECT has one policy, so its one qual stays indexable.
create function gridloop_read_lquery() returns lquery[] language sql stable as $$
  select case when gridloop_is_public() then array['*']::lquery[] else gridloop_scope_lquery() end
$$;

alter policy cases_read on cases using (path ? (select gridloop_read_lquery()));
drop policy cases_write on cases;
create policy cases_insert on cases for insert with check (path ? (select gridloop_scope_lquery()));
create policy cases_update on cases for update
  using (path ? (select gridloop_scope_lquery()))
  with check (path ? (select gridloop_scope_lquery()));
create policy cases_delete on cases for delete using (path ? (select gridloop_scope_lquery()));

-- Open cases by path: the map's points and live counts read the open cases of a subtree, a few in a hundred of all.
create index cases_open_path_gist on cases using gist (path)
  where state in ('reported', 'accepted', 'confirmed', 'registered', 'dispatched', 'handling', 'handled', 'verified');

-- 2. What the indicators need that a case row did not keep: whether its last handling ended within the handle clock's
-- limit, and whether its last closing came within the case deadline. Set when the state changes (a BEFORE trigger,
-- so the row and its facts change together), derived from case_clock for rows written before or in bulk.
alter table cases add column handled_on_time boolean, add column closed_on_time boolean;

-- The case deadline for on-time closure: the whole-case clock's (the sum of the stage limits, paused while parked),
-- or the deadline of an approved extension when that is later.
create function command_case_deadline(case_id uuid, extended boolean, deadline_at timestamptz) returns timestamptz
language sql stable as $$
  select greatest(
    (select k.deadline_at from case_clock k where k.case_id = $1 and k.stage = 'case' order by k.started_at desc limit 1),
    case when $2 then $3 end)
$$;

-- At handling → handled the running stage clock is still the handle clock (the service writes the state before it
-- moves the clocks), so OLD.stage_deadline_at is that clock's deadline, extensions and pauses included. No deadline
-- means no limit was running: on time.
create function cases_on_time() returns trigger language plpgsql as $$
begin
  if new.state = 'handled' and old.state = 'handling' then
    new.handled_on_time := coalesce(new.handled_at, now()) <= coalesce(old.stage_deadline_at, 'infinity');
  end if;
  if new.state = 'closed' and old.state <> 'closed' then
    new.closed_on_time := coalesce(new.closed_at, now())
      <= coalesce(command_case_deadline(new.id, new.extended, new.deadline_at), 'infinity');
  end if;
  return new;
end
$$;
create trigger cases_on_time before update of state on cases for each row execute function cases_on_time();

-- The same two facts for rows that did not pass through the trigger (written before this migration, or in bulk):
-- the handle clock that stopped at handled_at is the one the trigger would have read; the case clock keeps its
-- deadline when it stops. Only fills what is missing.
create function command_backfill_on_time() returns bigint language plpgsql as $$
declare
  a bigint;
  b bigint;
begin
  update cases c set handled_on_time = c.handled_at <= coalesce(k.deadline_at, 'infinity')
    from case_clock k
    where c.handled_on_time is null and c.handled_at is not null
      and k.case_id = c.id and k.stage = 'handle' and k.stopped_at = c.handled_at;
  get diagnostics a = row_count;
  update cases c set closed_on_time = c.closed_at
      <= coalesce(command_case_deadline(c.id, c.extended, c.deadline_at), 'infinity')
    where c.closed_on_time is null and c.state = 'closed' and c.closed_at is not null;
  get diagnostics b = row_count;
  return a + b;
end
$$;

-- Days are the city's days: the server keeps this in step with GRIDLOOP_TIMEZONE (and rebuilds when it changes).
create table command_setting (
  id boolean primary key default true check (id),
  timezone text not null
);
insert into command_setting (timezone) values ('Asia/Shanghai');

-- 3. The facts of one case: the one definition of every count the dashboard shows. Each row is a key (kind, day or
-- bin, sub) and a vector of counts; a node's figure is the sum of its cases' facts.
--   intake           day reported, sub = channel            n: reported (every state, as the case list counts)
--   open             no day                                 n: in an open state
--   due_day/due_hour deadline bin (UTC day / hour)          n: open, not parked, stage clock running (overdue once
--                                                              the bin is past: see the README)
--   accepted(_dept)  day accepted, sub = '' / department    n: accepted; registered: of those, registered
--   registered(_dept) day registered, sub = '' / department n: registered (the cohort); and of those: dispatched,
--                                                              closed, closed_on_time, handled_on_time (of the
--                                                              dispatched), reworked, extended, satisfied / judged
--   closed           day closed                             n: closed now, by the day of the last closing
-- Voided, merged and transferred cases leave every cohort (accepted, registered). Satisfaction counts a rating of 4
-- or 5 and a callback answered satisfied or basically satisfied over all ratings and answered callbacks.
create function command_facts(
  tz text, reported_at timestamptz, channel text, state text, parked boolean, stage_deadline_at timestamptz,
  accepted_at timestamptz, registered_at timestamptz, dispatched_at timestamptz, handled_at timestamptz,
  closed_at timestamptz, department_id uuid, rework_count integer, extended boolean, rating integer,
  callback_answer text, closed_on_time boolean, handled_on_time boolean
) returns table (
  kind text, day date, bin timestamptz, sub text,
  n integer, registered integer, dispatched integer, closed integer, closed_on_time integer, handled_on_time integer,
  reworked integer, extended integer, satisfied integer, judged integer
) language sql stable as $$
  select 'intake', (reported_at at time zone tz)::date, '-infinity'::timestamptz, channel,
    1, 0, 0, 0, 0, 0, 0, 0, 0, 0
  union all
  select 'open', '-infinity'::date, '-infinity'::timestamptz, '', 1, 0, 0, 0, 0, 0, 0, 0, 0, 0
  where state in ('reported', 'accepted', 'confirmed', 'registered', 'dispatched', 'handling', 'handled', 'verified')
  union all
  select w.kind, '-infinity'::date, date_bin(w.width, stage_deadline_at, timestamptz '2000-01-01 00:00:00+00'), '',
    1, 0, 0, 0, 0, 0, 0, 0, 0, 0
  from (values ('due_day', interval '1 day'), ('due_hour', interval '1 hour')) w (kind, width)
  where state in ('reported', 'accepted', 'confirmed', 'registered', 'dispatched', 'handling', 'handled', 'verified')
    and not parked and stage_deadline_at is not null
  union all
  select k.kind, (accepted_at at time zone tz)::date, '-infinity'::timestamptz, k.sub,
    1, (registered_at is not null)::int, 0, 0, 0, 0, 0, 0, 0, 0
  from (values ('accepted', ''), ('accepted_dept', coalesce(department_id::text, ''))) k (kind, sub)
  where accepted_at is not null and state not in ('voided', 'merged', 'transferred')
  union all
  select k.kind, (registered_at at time zone tz)::date, '-infinity'::timestamptz, k.sub,
    1, 0,
    (dispatched_at is not null)::int,
    (state = 'closed')::int,
    (state = 'closed' and coalesce(closed_on_time, false))::int,
    (dispatched_at is not null and handled_at is not null and coalesce(handled_on_time, false))::int,
    (rework_count > 0)::int,
    extended::int,
    (coalesce(rating, 0) >= 4)::int + coalesce(callback_answer in ('satisfied', 'basically_satisfied'), false)::int,
    (rating is not null)::int
      + coalesce(callback_answer in ('satisfied', 'basically_satisfied', 'dissatisfied'), false)::int
  from (values ('registered', ''), ('registered_dept', coalesce(department_id::text, ''))) k (kind, sub)
  where registered_at is not null and state not in ('voided', 'merged', 'transferred')
  union all
  select 'closed', (closed_at at time zone tz)::date, '-infinity'::timestamptz, '', 1, 0, 0, 0, 0, 0, 0, 0, 0, 0
  where state = 'closed' and closed_at is not null
$$;

-- The arguments of command_facts for a case row `c` (one list, repeated where the facts are taken). Scalars rather
-- than the whole row: PostgreSQL 15 fails to plan a GROUP BY over an inlined set-returning function that reads fields
-- of a whole-row argument ("variable not found in subplan target list").
--   c.reported_at, c.channel, c.state, c.parked, c.stage_deadline_at, c.accepted_at, c.registered_at,
--   c.dispatched_at, c.handled_at, c.closed_at, c.department_id, c.rework_count, c.extended, c.rating,
--   c.callback_answer, c.closed_on_time, c.handled_on_time

-- 4. Folded totals per node (every level: a case's facts count at each prefix of its path) and the unfolded
-- differences, appended by the cases trigger in the same transaction as the case change. Nothing is updated in place
-- on the write path; only the fold (one writer) updates case_rollup.
-- The key holds the node's path as text: under row-level security an index serves only leakproof comparisons, and
-- text equality is one where ltree's is not. `path` (the same value) is what the policy reads.
create table case_rollup (
  path ltree not null,
  node text not null check (node = path::text),
  kind text not null,
  day date not null,
  bin timestamptz not null,
  sub text not null,
  n integer not null,
  registered integer not null,
  dispatched integer not null,
  closed integer not null,
  closed_on_time integer not null,
  handled_on_time integer not null,
  reworked integer not null,
  extended integer not null,
  satisfied integer not null,
  judged integer not null,
  primary key (node, kind, day, bin, sub)
);
alter table case_rollup enable row level security;
alter table case_rollup force row level security;
-- Read within the caller's subtrees; written only by the fold and the rebuild (the system).
create policy case_rollup_read on case_rollup for select using (path ? (select gridloop_scope_lquery()));
create policy case_rollup_write on case_rollup for all using (gridloop_scope_all()) with check (gridloop_scope_all());

-- path is the case's path (a grid's, or a district's for triage); the fold fans it out to every ancestor.
create table case_delta (
  id bigint generated always as identity primary key,
  path ltree not null,
  kind text not null,
  day date not null,
  bin timestamptz not null,
  sub text not null,
  n integer not null,
  registered integer not null,
  dispatched integer not null,
  closed integer not null,
  closed_on_time integer not null,
  handled_on_time integer not null,
  reworked integer not null,
  extended integer not null,
  satisfied integer not null,
  judged integer not null
);
alter table case_delta enable row level security;
alter table case_delta force row level security;
-- Appended under the writer's scope (by the cases trigger), read within the reader's, taken only by the fold.
create policy case_delta_read on case_delta for select using (path ? (select gridloop_scope_lquery()));
create policy case_delta_append on case_delta for insert with check (path ? (select gridloop_scope_lquery()));
create policy case_delta_take on case_delta for delete using (gridloop_scope_all());

-- f(new) − f(old) per statement, summed per key, zero sums dropped: a transition that changes no fact (a note, the
-- version, supporters) appends nothing, and a bulk INSERT appends one row per key rather than per case. A bulk loader
-- may set app.bulk_load = on to skip this and call command_rollup_rebuild() afterwards.
create function command_cases_delta() returns trigger language plpgsql as $$
declare
  tz text;
begin
  if coalesce(current_setting('app.bulk_load', true), '') = 'on' then
    return null;
  end if;
  select s.timezone into tz from command_setting s;
  tz := coalesce(tz, 'UTC');
  if tg_op = 'INSERT' then
    insert into case_delta (path, kind, day, bin, sub, n, registered, dispatched, closed, closed_on_time,
        handled_on_time, reworked, extended, satisfied, judged)
      select c.path, f.kind, f.day, f.bin, f.sub, sum(f.n), sum(f.registered), sum(f.dispatched), sum(f.closed),
        sum(f.closed_on_time), sum(f.handled_on_time), sum(f.reworked), sum(f.extended), sum(f.satisfied),
        sum(f.judged)
      from new_rows c cross join lateral command_facts(tz, c.reported_at, c.channel, c.state, c.parked,
        c.stage_deadline_at, c.accepted_at, c.registered_at, c.dispatched_at, c.handled_at, c.closed_at, c.department_id,
        c.rework_count, c.extended, c.rating, c.callback_answer, c.closed_on_time, c.handled_on_time) f
      group by c.path, f.kind, f.day, f.bin, f.sub;
  elsif tg_op = 'DELETE' then
    insert into case_delta (path, kind, day, bin, sub, n, registered, dispatched, closed, closed_on_time,
        handled_on_time, reworked, extended, satisfied, judged)
      select c.path, f.kind, f.day, f.bin, f.sub, -sum(f.n), -sum(f.registered), -sum(f.dispatched), -sum(f.closed),
        -sum(f.closed_on_time), -sum(f.handled_on_time), -sum(f.reworked), -sum(f.extended), -sum(f.satisfied),
        -sum(f.judged)
      from old_rows c cross join lateral command_facts(tz, c.reported_at, c.channel, c.state, c.parked,
        c.stage_deadline_at, c.accepted_at, c.registered_at, c.dispatched_at, c.handled_at, c.closed_at, c.department_id,
        c.rework_count, c.extended, c.rating, c.callback_answer, c.closed_on_time, c.handled_on_time) f
      group by c.path, f.kind, f.day, f.bin, f.sub;
  else
    insert into case_delta (path, kind, day, bin, sub, n, registered, dispatched, closed, closed_on_time,
        handled_on_time, reworked, extended, satisfied, judged)
      select x.path, x.kind, x.day, x.bin, x.sub, sum(x.s * x.n), sum(x.s * x.registered), sum(x.s * x.dispatched),
        sum(x.s * x.closed), sum(x.s * x.closed_on_time), sum(x.s * x.handled_on_time), sum(x.s * x.reworked),
        sum(x.s * x.extended), sum(x.s * x.satisfied), sum(x.s * x.judged)
      from (
        select 1 as s, c.path, f.* from new_rows c
        cross join lateral command_facts(tz, c.reported_at, c.channel, c.state, c.parked, c.stage_deadline_at,
          c.accepted_at, c.registered_at, c.dispatched_at, c.handled_at, c.closed_at, c.department_id, c.rework_count,
          c.extended, c.rating, c.callback_answer, c.closed_on_time, c.handled_on_time) f
        union all
        select -1 as s, c.path, f.* from old_rows c
        cross join lateral command_facts(tz, c.reported_at, c.channel, c.state, c.parked, c.stage_deadline_at,
          c.accepted_at, c.registered_at, c.dispatched_at, c.handled_at, c.closed_at, c.department_id, c.rework_count,
          c.extended, c.rating, c.callback_answer, c.closed_on_time, c.handled_on_time) f
      ) x
      group by x.path, x.kind, x.day, x.bin, x.sub
      having sum(x.s * x.n) <> 0 or sum(x.s * x.registered) <> 0 or sum(x.s * x.dispatched) <> 0
        or sum(x.s * x.closed) <> 0 or sum(x.s * x.closed_on_time) <> 0 or sum(x.s * x.handled_on_time) <> 0
        or sum(x.s * x.reworked) <> 0 or sum(x.s * x.extended) <> 0 or sum(x.s * x.satisfied) <> 0
        or sum(x.s * x.judged) <> 0;
  end if;
  return null;
end
$$;
-- Transition tables allow one event per trigger.
create trigger cases_delta_insert after insert on cases referencing new table as new_rows
  for each statement execute function command_cases_delta();
create trigger cases_delta_update after update on cases referencing old table as old_rows new table as new_rows
  for each statement execute function command_cases_delta();
create trigger cases_delta_delete after delete on cases referencing old table as old_rows
  for each statement execute function command_cases_delta();

-- The fold: one writer at a time (a transaction-level advisory lock; -1 when another holds it). Moves the committed
-- deltas into case_rollup at every prefix of their path in one statement, so a reader's snapshot sees each delta
-- either unfolded or folded, never both or neither; then drops the rows it emptied.
create function command_fold() returns integer language plpgsql as $$
declare
  moved integer;
  ps text[];
  ks text[];
  ds date[];
  bs timestamptz[];
  ss text[];
begin
  if not pg_try_advisory_xact_lock(7201604321) then
    return -1;
  end if;
  with taken as (
    delete from case_delta returning path, kind, day, bin, sub, n, registered, dispatched, closed, closed_on_time,
      handled_on_time, reworked, extended, satisfied, judged
  ), summed as (
    select subpath(t.path, 0, i) as path, t.kind, t.day, t.bin, t.sub, sum(t.n)::int as n,
      sum(t.registered)::int as registered, sum(t.dispatched)::int as dispatched, sum(t.closed)::int as closed,
      sum(t.closed_on_time)::int as closed_on_time, sum(t.handled_on_time)::int as handled_on_time,
      sum(t.reworked)::int as reworked, sum(t.extended)::int as extended, sum(t.satisfied)::int as satisfied,
      sum(t.judged)::int as judged
    from taken t cross join generate_series(1, nlevel(t.path)) i
    group by 1, 2, 3, 4, 5
  ), upserted as (
    insert into case_rollup as r (path, node, kind, day, bin, sub, n, registered, dispatched, closed, closed_on_time,
        handled_on_time, reworked, extended, satisfied, judged)
      select path, path::text, kind, day, bin, sub, n, registered, dispatched, closed, closed_on_time, handled_on_time,
        reworked, extended, satisfied, judged
      from summed
    on conflict (node, kind, day, bin, sub) do update set
      n = r.n + excluded.n, registered = r.registered + excluded.registered,
      dispatched = r.dispatched + excluded.dispatched, closed = r.closed + excluded.closed,
      closed_on_time = r.closed_on_time + excluded.closed_on_time,
      handled_on_time = r.handled_on_time + excluded.handled_on_time, reworked = r.reworked + excluded.reworked,
      extended = r.extended + excluded.extended, satisfied = r.satisfied + excluded.satisfied,
      judged = r.judged + excluded.judged
    returning r.node, r.kind, r.day, r.bin, r.sub, (r.n = 0 and r.registered = 0 and r.dispatched = 0
      and r.closed = 0 and r.closed_on_time = 0 and r.handled_on_time = 0 and r.reworked = 0 and r.extended = 0
      and r.satisfied = 0 and r.judged = 0) as empty
  )
  select (select count(*) from taken)::int,
    array_agg(u.node) filter (where u.empty), array_agg(u.kind) filter (where u.empty),
    array_agg(u.day) filter (where u.empty), array_agg(u.bin) filter (where u.empty),
    array_agg(u.sub) filter (where u.empty)
  into moved, ps, ks, ds, bs, ss
  from upserted u;
  if ps is not null then
    delete from case_rollup r using unnest(ps, ks, ds, bs, ss) as e (node, kind, day, bin, sub)
      where r.node = e.node and r.kind = e.kind and r.day = e.day and r.bin = e.bin and r.sub = e.sub and r.n = 0
        and r.registered = 0 and r.dispatched = 0 and r.closed = 0 and r.closed_on_time = 0
        and r.handled_on_time = 0 and r.reworked = 0 and r.extended = 0 and r.satisfied = 0 and r.judged = 0;
  end if;
  return coalesce(moved, 0);
end
$$;

-- Fills the empty case_rollup from the raw cases in one pass: the facts summed per case path, then fanned out to every
-- prefix of the few distinct paths. Paths are grouped as text (ltree has no hash support before PostgreSQL 16), by
-- hashing in memory, over a sequential scan, without JIT (it costs more than it saves here); the settings end with the
-- function.
create function command_rollup_fill(tz text) returns bigint language plpgsql
  set work_mem = '256MB' set jit = off set enable_indexscan = off set enable_bitmapscan = off set enable_sort = off
  as $$
declare
  written bigint;
begin
  insert into case_rollup (path, node, kind, day, bin, sub, n, registered, dispatched, closed, closed_on_time,
      handled_on_time, reworked, extended, satisfied, judged)
  with per_path as (
    select c.path::text as path, f.kind, f.day, f.bin, f.sub, sum(f.n) as n, sum(f.registered) as registered,
      sum(f.dispatched) as dispatched, sum(f.closed) as closed, sum(f.closed_on_time) as closed_on_time,
      sum(f.handled_on_time) as handled_on_time, sum(f.reworked) as reworked, sum(f.extended) as extended,
      sum(f.satisfied) as satisfied, sum(f.judged) as judged
    from cases c
    cross join lateral command_facts(tz, c.reported_at, c.channel, c.state, c.parked, c.stage_deadline_at,
      c.accepted_at, c.registered_at, c.dispatched_at, c.handled_at, c.closed_at, c.department_id, c.rework_count,
      c.extended, c.rating, c.callback_answer, c.closed_on_time, c.handled_on_time) f
    group by 1, 2, 3, 4, 5
  ), prefixes as materialized (
    select p.path, subpath(p.path::ltree, 0, i)::text as node
    from (select distinct path from per_path) p cross join generate_series(1, nlevel(p.path::ltree)) i
  )
  select x.node::ltree, x.node, g.kind, g.day, g.bin, g.sub, sum(g.n)::int, sum(g.registered)::int, sum(g.dispatched)::int,
    sum(g.closed)::int, sum(g.closed_on_time)::int, sum(g.handled_on_time)::int, sum(g.reworked)::int,
    sum(g.extended)::int, sum(g.satisfied)::int, sum(g.judged)::int
  from per_path g join prefixes x on x.path = g.path
  group by x.node, g.kind, g.day, g.bin, g.sub;
  get diagnostics written = row_count;
  return written;
end
$$;

-- Recomputes case_rollup from the raw cases (after a bulk load, or when the time zone changed). Holds off every case
-- writer (SHARE lock: it waits for those running, then blocks new ones until it commits) and the fold. Returns the
-- number of rollup rows.
create function command_rollup_rebuild() returns bigint language plpgsql as $$
declare
  tz text;
begin
  perform pg_advisory_xact_lock(7201604321);
  lock table cases in share mode;
  perform set_config('app.bulk_load', 'on', true);
  perform command_backfill_on_time();
  delete from case_delta;
  delete from case_rollup;
  select s.timezone into tz from command_setting s;
  perform set_config('app.bulk_load', 'off', true);
  return command_rollup_fill(coalesce(tz, 'UTC'));
end
$$;

-- Existing cases: derive the new columns and build the rollups (as the owner, with the system's reach for this
-- transaction only).
select set_config('app.scope_all', 'on', true);
select command_rollup_rebuild();
select set_config('app.scope_all', 'off', true);
