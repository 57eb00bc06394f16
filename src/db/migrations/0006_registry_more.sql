-- Basic data, continued: completeness as a stored fact of each person, and organisations that imports can write.

-- Migrations run as the owner, under row-level security like everyone: the backfills below must see every row.
select set_config('app.scope_all', 'on', true);

-- Completeness (三(一)) is kept on the rows, so that "persons with missing required fields" or "households without
-- members" under a node is an index range rather than a scan of a district's million persons joined with their
-- residences (measured on PostgreSQL with 1.2 million persons in one district: see src/server/modules/registry/README.md).
-- `person.residence_open` says whether the person has an open residence, `household.has_members` whether an open
-- residence names the household; the triggers below keep both true to the residence table. Writers that add the open
-- residences in the same transaction may set them true themselves (the import and the demo do): the triggers then have
-- nothing to change. A person is inserted before its residences.
-- Both start true (no table rewrite), then the few rows without an open residence are set false.
alter table person add column residence_open boolean not null default true;
update person p set residence_open = false
  where not exists (select 1 from residence r where r.person_id = p.id and r.moved_out is null);
alter table person alter column residence_open set default false;
alter table household add column has_members boolean not null default true;
update household h set has_members = false
  where not exists (select 1 from residence r where r.household_id = h.id and r.moved_out is null);
alter table household alter column has_members set default false;

-- The one definition of a complete person: name, ID number, gender, birth date, phone and an open residence.
alter table person add column complete boolean generated always as (
  name <> '' and id_number_index is not null and gender is not null and birth_date is not null
  and phone_index is not null and residence_open
) stored;

-- The drill-down walks the incomplete persons (the empty households) of one grid at a time in id order.
create index person_incomplete on person (grid_id, id) where not complete;
create index household_empty on household (grid_id, id) where not has_members;

-- Keeps person.residence_open and household.has_members true to the residences of the persons and households a
-- statement touched. Statement-level, with the changed rows as transition tables, so that a bulk insert of thousands
-- of residences costs one join, not a trigger call per row. It widens the scope for its updates (a residence in scope
-- may name a person or household placed elsewhere, and the flags must not go stale for that), then gives the scope
-- back, as person_exists_elsewhere does.
create function residence_open_sync() returns trigger
  language plpgsql volatile security definer set search_path = public as $$
declare
  prior text := current_setting('app.scope_all', true);
begin
  perform set_config('app.scope_all', 'on', true);
  if tg_op = 'INSERT' then
    update person p set residence_open = true
      from (select distinct person_id from residence_new where moved_out is null) c
      where p.id = c.person_id and not p.residence_open;
    update household h set has_members = true
      from (select distinct household_id from residence_new where moved_out is null and household_id is not null) c
      where h.id = c.household_id and not h.has_members;
  elsif tg_op = 'DELETE' then
    update person p set residence_open = x.open
      from (select c.person_id, exists (select 1 from residence r where r.person_id = c.person_id and r.moved_out is null) as open
            from (select distinct person_id from residence_old) c) x
      where p.id = x.person_id and p.residence_open <> x.open;
    update household h set has_members = x.open
      from (select c.household_id, exists (select 1 from residence r where r.household_id = c.household_id and r.moved_out is null) as open
            from (select distinct household_id from residence_old where household_id is not null) c) x
      where h.id = x.household_id and h.has_members <> x.open;
  else
    update person p set residence_open = x.open
      from (select c.person_id, exists (select 1 from residence r where r.person_id = c.person_id and r.moved_out is null) as open
            from (select person_id from residence_old union select person_id from residence_new) c) x
      where p.id = x.person_id and p.residence_open <> x.open;
    update household h set has_members = x.open
      from (select c.household_id, exists (select 1 from residence r where r.household_id = c.household_id and r.moved_out is null) as open
            from (select household_id from residence_old union select household_id from residence_new) c
            where c.household_id is not null) x
      where h.id = x.household_id and h.has_members <> x.open;
  end if;
  perform set_config('app.scope_all', coalesce(prior, 'off'), true);
  return null;
end
$$;

create trigger residence_open_insert after insert on residence
  referencing new table as residence_new for each statement execute function residence_open_sync();
create trigger residence_open_update after update on residence
  referencing old table as residence_old new table as residence_new for each statement execute function residence_open_sync();
create trigger residence_open_delete after delete on residence
  referencing old table as residence_old for each statement execute function residence_open_sync();

-- Organisations (partner units, property companies, social organisations, owners' committees): imported and edited
-- like the other basic data. One organisation per kind and name in a jurisdiction; `name_key` is the name as search
-- compares it (one script, no spaces), `import_id` lets a cancelled import be undone.
alter table organisation add column name_key text;
update organisation set name_key = lower(regexp_replace(name, '\s+', '', 'g'));
alter table organisation alter column name_key set not null;
alter table organisation add column address text;
alter table organisation add column import_id uuid;
alter table organisation add column updated_at timestamptz not null default now();
create unique index organisation_key on organisation (jurisdiction_id, kind, name_key);
create index organisation_path_gist on organisation using gist (path);
create index organisation_name_trgm on organisation using gin (name_key gin_trgm_ops);
create index organisation_import on organisation (import_id) where import_id is not null;

-- Row-level security of the registry's tables with the scope computed once per statement. In `path ?
-- gridloop_scope_lquery()` the function runs for every row the policy filters (it is not inlined): about 21 µs a row,
-- 25 s to count 1.2 million persons for a city-wide caller, against 1.9 s with `(select …)`, which PostgreSQL evaluates
-- once as an init plan. The GiST index on path still answers it (`Index Cond: (path ? $0)`), so a grid's rows are found
-- as fast as before.
alter policy building_all on building
  using (path ? (select gridloop_scope_lquery())) with check (path ? (select gridloop_scope_lquery()));
alter policy household_all on household
  using (path ? (select gridloop_scope_lquery())) with check (path ? (select gridloop_scope_lquery()));
alter policy person_all on person
  using (path ? (select gridloop_scope_lquery())) with check (path ? (select gridloop_scope_lquery()));
alter policy residence_all on residence
  using (path ? (select gridloop_scope_lquery())) with check (path ? (select gridloop_scope_lquery()));
alter policy place_all on place
  using (path ? (select gridloop_scope_lquery())) with check (path ? (select gridloop_scope_lquery()));
alter policy component_all on component
  using (path ? (select gridloop_scope_lquery())) with check (path ? (select gridloop_scope_lquery()));
alter policy import_job_all on import_job
  using (path ? (select gridloop_scope_lquery())) with check (path ? (select gridloop_scope_lquery()));

-- Back to the caller's scope for whatever runs next in this transaction.
select set_config('app.scope_all', 'off', true);
