-- Responsibility chains (責任鏈): the people an administrator names as answering for a jurisdiction node (a
-- community's secretary, a street's leader in charge, a district's deputy head) or for a department (its head). Grid
-- workers are not stored here: they are the grid's `grid_worker` assignments.

create table responsibility (
  id uuid primary key,
  jurisdiction_id uuid not null references jurisdiction (id),
  -- Set for the head of a department; the row then sits at the department's node.
  department_id uuid references department (id) on delete cascade,
  path ltree not null,
  role text not null check (length(role) between 1 and 60),
  user_id uuid references app_user (id) on delete set null,
  name text not null check (length(name) between 1 and 100),
  -- Personal data: the phone is encrypted at rest (AES-256-GCM); the masked copy is what most roles see.
  phone_enc text,
  phone_masked text,
  position integer not null default 0,
  updated_at timestamptz not null default now()
);
create index responsibility_path_gist on responsibility using gist (path);
create index responsibility_jurisdiction on responsibility (jurisdiction_id);
create index responsibility_department on responsibility (department_id) where department_id is not null;

alter table responsibility enable row level security;
alter table responsibility force row level security;
-- Writes and reads within the caller's subtrees: the fast form (one operator the GiST index answers).
create policy responsibility_all on responsibility for all
  using (path ? gridloop_scope_lquery())
  with check (path ? gridloop_scope_lquery());
-- A chain runs upwards: a grid worker or a community leader reads who answers above them (names and masked phones),
-- as they read the names of the nodes above them. Read only; the table is small, so this OR costs nothing.
create policy responsibility_read_above on responsibility for select using (path @> gridloop_scope());

-- The command center's analyses take the cases registered in a period (attenuation, the weekly bulletin): with the
-- GiST index on path, a period's cohort under a node is a bitmap AND instead of a scan of every case.
create index cases_registered_at on cases (registered_at) where registered_at is not null;
