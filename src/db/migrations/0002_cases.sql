-- The closed loop: categories, the working calendar, routing rules, cases with their clocks, timeline and
-- attachments, and idempotency keys for retried writes.

-- Categories (GB/T 30428.2): reference data that everyone may read. The rules of a sub-category (conditions,
-- limits per stage and priority, duplicates, flags, Open311 attributes) are one validated document.
create table category (
  code text primary key check (code ~ '^[CE][0-9]{2}([0-9]{2})?$'),
  parent_code text references category (code),
  type text not null check (type in ('component', 'event')),
  name_zh_hant text not null,
  name_zh_hans text not null,
  name_en text not null,
  definition jsonb,
  active boolean not null default true,
  updated_at timestamptz not null default now()
);

-- The working calendar: official holidays and make-up working days per year, and the daily working hours.
create table calendar_year (
  year integer primary key check (year between 2000 and 2100),
  holidays date[] not null,
  workdays date[] not null,
  source text,
  updated_at timestamptz not null default now()
);
create table calendar_setting (
  id boolean primary key default true check (id),
  working_hours jsonb not null
);

-- Category × jurisdiction subtree → department; the most specific rule wins (deepest node, then a named category
-- over "every category").
create table routing_rule (
  id uuid primary key,
  category_code text references category (code),
  jurisdiction_id uuid not null references jurisdiction (id),
  path ltree not null,
  department_id uuid not null references department (id),
  created_at timestamptz not null default now()
);
create index routing_rule_path_gist on routing_rule using gist (path);
alter table routing_rule enable row level security;
alter table routing_rule force row level security;
create policy routing_rule_read on routing_rule for select using (
  gridloop_scope_all() or path <@ gridloop_scope() or path @> gridloop_scope()
);
create policy routing_rule_write on routing_rule for all
  using (gridloop_scope_all() or path <@ gridloop_scope())
  with check (gridloop_scope_all() or path <@ gridloop_scope());

-- Serial numbers for case numbers: a sequence, not a counter row, so intake never queues on a hot row.
create sequence case_serial;

create table cases (
  id uuid not null,
  district_id uuid not null references jurisdiction (id),
  street_id uuid references jurisdiction (id),
  community_id uuid references jurisdiction (id),
  grid_id uuid references jurisdiction (id),
  path ltree not null,
  number text not null,
  tracking_hash text not null,
  channel text not null check (channel in ('resident', 'grid_patrol', 'hotline', 'law_enforcement', 'sensor', 'api')),
  category_code text not null references category (code),
  priority text not null default 'normal' check (priority in ('urgent', 'high', 'normal')),
  state text not null check (state in ('reported', 'accepted', 'confirmed', 'registered', 'dispatched', 'handling',
    'handled', 'verified', 'closed', 'rejected', 'merged', 'voided', 'transferred')),
  triage boolean not null default false,
  parked boolean not null default false,
  park_requested boolean not null default false,
  park_review_date date,
  extension_requested boolean not null default false,
  requested_deadline timestamptz,
  extended boolean not null default false,
  escalation_level integer not null default 0,
  supervised boolean not null default false,
  supervise_due date,
  rework_count integer not null default 0,
  department_id uuid references department (id),
  -- What the routing rules suggest at intake; the dispatcher decides.
  suggested_department_id uuid references department (id),
  description text not null,
  address text,
  lat double precision not null,
  lng double precision not null,
  geom geometry(Point, 4326) not null,
  attributes jsonb,
  -- Personal data: encrypted at rest (AES-256-GCM); the phone also has a blind index for duplicate detection.
  reporter_name_enc text,
  reporter_phone_enc text,
  reporter_email_enc text,
  reporter_phone_index text,
  anonymous boolean not null default false,
  client_key text,
  primary_case_id uuid,
  linked_case_id uuid,
  supporters integer not null default 0,
  deadline_at timestamptz,
  -- The running stage clock, denormalised so that lists filter and sort by traffic light without a join.
  stage text,
  stage_yellow_at timestamptz,
  stage_deadline_at timestamptz,
  rating integer check (rating between 1 and 5),
  fixed boolean,
  rated_at timestamptz,
  callback_pending boolean not null default false,
  callback_answer text,
  reported_at timestamptz not null,
  accepted_at timestamptz,
  registered_at timestamptz,
  dispatched_at timestamptz,
  handled_at timestamptz,
  closed_at timestamptz,
  updated_at timestamptz not null default now(),
  version integer not null default 0,
  primary key (district_id, id)
);
create unique index cases_id on cases (id);
create unique index cases_number on cases (number);
create unique index cases_tracking on cases (tracking_hash);
create index cases_path_gist on cases using gist (path);
create index cases_geom_gist on cases using gist (geom);
create index cases_state on cases (state, reported_at);
create index cases_grid on cases (grid_id, state);
create index cases_department on cases (department_id, state);
create index cases_category_time on cases (category_code, reported_at);
create index cases_stage_deadline on cases (stage_deadline_at) where stage_deadline_at is not null;
alter table cases enable row level security;
alter table cases force row level security;
create policy cases_read on cases for select using (
  gridloop_scope_all() or gridloop_is_public() or path <@ gridloop_scope()
);
create policy cases_write on cases for all
  using (gridloop_scope_all() or path <@ gridloop_scope())
  with check (gridloop_scope_all() or path <@ gridloop_scope());

-- The timeline: one row per action, nothing updated in place.
create table case_event (
  id uuid primary key,
  case_id uuid not null,
  district_id uuid not null,
  at timestamptz not null default now(),
  actor text not null,
  actor_role text,
  action text not null,
  from_state text,
  to_state text,
  reason text,
  note text,
  details jsonb,
  foreign key (district_id, case_id) references cases (district_id, id)
);
create index case_event_case on case_event (case_id, at);
alter table case_event enable row level security;
alter table case_event force row level security;
-- A case's rows are visible exactly when the case is (RLS applies inside the subquery too).
create policy case_event_read on case_event for select using (exists (select 1 from cases c where c.id = case_id));
create policy case_event_write on case_event for insert with check (exists (select 1 from cases c where c.id = case_id));

-- Stage clocks: one row per stage run; paused intervals for parked cases.
create table case_clock (
  id uuid primary key,
  case_id uuid not null,
  district_id uuid not null,
  stage text not null,
  base text not null check (base in ('working', 'natural')),
  limit_minutes integer not null check (limit_minutes > 0),
  started_at timestamptz not null,
  stopped_at timestamptz,
  pauses jsonb not null default '[]',
  deadline_at timestamptz,
  yellow_at timestamptz,
  overdue_at timestamptz,
  escalations integer not null default 0,
  foreign key (district_id, case_id) references cases (district_id, id)
);
create index case_clock_case on case_clock (case_id);
create index case_clock_running on case_clock (deadline_at) where stopped_at is null;
alter table case_clock enable row level security;
alter table case_clock force row level security;
create policy case_clock_all on case_clock for all
  using (exists (select 1 from cases c where c.id = case_id))
  with check (exists (select 1 from cases c where c.id = case_id));

create table case_attachment (
  id uuid primary key,
  case_id uuid not null,
  district_id uuid not null,
  event_id uuid,
  kind text not null check (kind in ('report', 'before', 'after', 'confirm', 'verify', 'other')),
  content_type text not null,
  bytes integer not null,
  sha256 text not null,
  storage_key text not null,
  public_storage_key text not null,
  created_at timestamptz not null default now(),
  foreign key (district_id, case_id) references cases (district_id, id)
);
create index case_attachment_case on case_attachment (case_id);
alter table case_attachment enable row level security;
alter table case_attachment force row level security;
create policy case_attachment_read on case_attachment for select using (exists (select 1 from cases c where c.id = case_id));
create policy case_attachment_write on case_attachment for insert with check (exists (select 1 from cases c where c.id = case_id));

-- Retried writes: the first answer per caller and key, kept 24 hours.
create table idempotency_key (
  caller_key text not null,
  key text not null,
  request_hash text not null,
  status integer,
  response jsonb,
  created_at timestamptz not null default now(),
  completed_at timestamptz,
  primary key (caller_key, key)
);

-- What the public may read of a case: no reporter contact, no staff.
create view public_case as
  select c.id, c.number, c.tracking_hash, c.channel, c.category_code, c.priority, c.state, c.description, c.address,
    c.lat, c.lng, c.district_id, c.grid_id, c.department_id, c.deadline_at, c.reported_at, c.closed_at, c.updated_at,
    c.primary_case_id, c.supporters, c.rating
  from cases c;
create view public_case_event as
  select e.id, e.case_id, e.at, e.action, e.from_state, e.to_state from case_event e;
create view public_case_attachment as
  select a.id, a.case_id, a.kind, a.content_type, a.public_storage_key, a.created_at from case_attachment a;
create view public_category as
  select code, parent_code, type, name_zh_hant, name_zh_hans, name_en, definition, active from category;
create view public_department as
  select id, code, kind, name_zh_hant, name_zh_hans, name_en from department;

-- Department names are public (Open311's agency_responsible).
alter policy department_read on department using (
  gridloop_scope_all() or gridloop_is_public() or path <@ gridloop_scope() or path @> gridloop_scope()
);
