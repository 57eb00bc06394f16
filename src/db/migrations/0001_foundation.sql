-- Foundation: scope functions, the jurisdiction tree, identity, the audit log.
-- Runs as the owner role. Role names differ per database, so grants live in migrate.ts, not here.

create function gridloop_scope() returns ltree[] language sql stable as $$
  select coalesce(nullif(current_setting('app.scope', true), ''), '{}')::ltree[]
$$;

create function gridloop_scope_all() returns boolean language sql stable as $$
  select coalesce(current_setting('app.scope_all', true), 'off') = 'on'
$$;

create function gridloop_is_public() returns boolean language sql stable as $$
  select coalesce(current_setting('app.actor', true), '') = 'public'
$$;

-- Territory: city → district → street → community → grid (→ compound). Redrawn nodes keep their history: the old
-- row gets valid_to and a new row takes the code, so a case keeps the node it was reported in.
create table jurisdiction (
  id uuid primary key,
  parent_id uuid references jurisdiction (id),
  level text not null check (level in ('city', 'district', 'street', 'community', 'grid', 'compound')),
  code text not null check (code ~ '^[0-9]{6,18}$'),
  name_zh_hant text not null,
  name_zh_hans text not null,
  name_en text not null,
  path ltree not null,
  geom geometry(MultiPolygon, 4326),
  area_m2 double precision,
  valid_from timestamptz not null default now(),
  valid_to timestamptz,
  created_at timestamptz not null default now(),
  check (valid_to is null or valid_to >= valid_from)
);
create unique index jurisdiction_code_current on jurisdiction (code) where valid_to is null;
create unique index jurisdiction_path_current on jurisdiction (path) where valid_to is null;
create index jurisdiction_path_gist on jurisdiction using gist (path);
create index jurisdiction_geom_gist on jurisdiction using gist (geom);
create index jurisdiction_parent on jurisdiction (parent_id);

alter table jurisdiction enable row level security;
alter table jurisdiction force row level security;
-- Staff see their subtrees and the names of the nodes above them; the public sees only through public views.
create policy jurisdiction_read on jurisdiction for select using (
  gridloop_scope_all() or gridloop_is_public() or path <@ gridloop_scope() or path @> gridloop_scope()
);
create policy jurisdiction_write on jurisdiction for all
  using (gridloop_scope_all() or path <@ gridloop_scope())
  with check (gridloop_scope_all() or path <@ gridloop_scope());

-- What the public may read of the territory: names, codes and shapes; no personal data lives here.
create view public_jurisdiction as
  select id, parent_id, level, code, name_zh_hant, name_zh_hans, name_en, path, geom
  from jurisdiction where valid_to is null;

-- Departments (處置單位) handle cases; attached to the node they serve.
create table department (
  id uuid primary key,
  jurisdiction_id uuid not null references jurisdiction (id),
  path ltree not null,
  code text not null unique,
  kind text not null,
  name_zh_hant text not null,
  name_zh_hans text not null,
  name_en text not null,
  created_at timestamptz not null default now()
);
create index department_path_gist on department using gist (path);
alter table department enable row level security;
alter table department force row level security;
create policy department_read on department for select using (
  gridloop_scope_all() or path <@ gridloop_scope() or path @> gridloop_scope()
);
create policy department_write on department for all
  using (gridloop_scope_all() or path <@ gridloop_scope())
  with check (gridloop_scope_all() or path <@ gridloop_scope());

-- Identity. Not territorial rows: reached only through the identity service, which checks roles.
create table app_user (
  id uuid primary key,
  username text not null,
  display_name text not null,
  password_hash text not null,
  department_id uuid references department (id),
  disabled boolean not null default false,
  failed_logins integer not null default 0,
  locked_until timestamptz,
  created_at timestamptz not null default now()
);
create unique index app_user_username on app_user (lower(username));

create table assignment (
  id uuid primary key,
  user_id uuid not null references app_user (id) on delete cascade,
  role text not null check (role in ('admin', 'leader', 'shift_lead', 'dispatcher', 'intake_clerk', 'grid_worker',
    'department_staff')),
  jurisdiction_id uuid not null references jurisdiction (id),
  created_at timestamptz not null default now(),
  unique (user_id, role, jurisdiction_id)
);
create index assignment_user on assignment (user_id);

-- Sessions are stored by the hash of the cookie's random id, so a stolen table grants nothing.
create table user_session (
  id_hash text primary key,
  user_id uuid not null references app_user (id) on delete cascade,
  csrf_token text not null,
  ip text,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null
);
create index user_session_user on user_session (user_id);

create table api_token (
  id uuid primary key,
  user_id uuid not null references app_user (id) on delete cascade,
  name text not null,
  token_hash text not null unique,
  prefix text not null,
  scopes text[] not null,
  created_at timestamptz not null default now(),
  last_used_at timestamptz,
  expires_at timestamptz,
  revoked_at timestamptz
);

-- The audit log: append-only, hash-chained by one sealer in chain order so that writers never queue on the chain.
create table audit_log (
  id bigint generated always as identity primary key,
  at timestamptz not null default clock_timestamp(),
  actor text not null,
  action text not null,
  object_type text,
  object_id text,
  jurisdiction_id uuid,
  jurisdiction_path ltree,
  reason text,
  ip text,
  details jsonb,
  chain_seq bigint unique,
  prev_hash text,
  hash text,
  check ((chain_seq is null) = (hash is null))
);
create index audit_log_unsealed on audit_log (id) where chain_seq is null;
create index audit_log_object on audit_log (object_type, object_id);
create index audit_log_path_gist on audit_log using gist (jurisdiction_path);

create function audit_log_guard() returns trigger language plpgsql as $$
begin
  if tg_op = 'DELETE' or tg_op = 'TRUNCATE' then
    raise exception 'audit_log is append-only' using errcode = 'insufficient_privilege';
  end if;
  if old.hash is not null then
    raise exception 'audit_log row % is sealed', old.id using errcode = 'insufficient_privilege';
  end if;
  if (to_jsonb(new) - 'chain_seq' - 'prev_hash' - 'hash') is distinct from
     (to_jsonb(old) - 'chain_seq' - 'prev_hash' - 'hash') then
    raise exception 'only the chain fields of audit_log row % may be set', old.id using errcode = 'insufficient_privilege';
  end if;
  return new;
end
$$;
create trigger audit_log_guard_row before update or delete on audit_log for each row execute function audit_log_guard();
create trigger audit_log_guard_truncate before truncate on audit_log for each statement execute function audit_log_guard();

alter table audit_log enable row level security;
alter table audit_log force row level security;
create policy audit_log_append on audit_log for insert with check (true);
create policy audit_log_read on audit_log for select using (
  gridloop_scope_all() or jurisdiction_path <@ gridloop_scope()
);
create policy audit_log_seal on audit_log for update using (gridloop_scope_all()) with check (gridloop_scope_all());
