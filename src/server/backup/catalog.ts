/**
 * What a backup covers, read from the database's own catalogue: every table, sequence and materialized view that the
 * owner role owns (that is, everything the migrations made; `schema_migration` and PostGIS's `spatial_ref_sys`
 * belong to others and come back from the migrations and the extension), with their columns, keys and foreign keys.
 */
import type { DbRoles } from '../../db/database.ts';
import { quoteIdent } from '../../db/database.ts';
import type { Session } from './session.ts';

export interface TableInfo {
  name: string;
  /** Stored columns in order; generated ones are left out. */
  columns: string[];
  /** The ORDER BY of its content: the primary key, compared bytewise (collate "C") so that every server agrees. */
  order: string;
}

export interface ForeignKey {
  table: string;
  name: string;
  references: string;
  definition: string;
}

export interface Catalog {
  tables: TableInfo[];
  sequences: string[];
  materializedViews: string[];
  foreignKeys: ForeignKey[];
}

const IDENT = /^[a-z_][a-z0-9_$]*$/;

function plain(name: string): string {
  // Names go into statements and archive paths; the migrations only make plain ones, and anything else is refused.
  if (!IDENT.test(name)) throw new Error(`backup: ${JSON.stringify(name)} is not a plain identifier`);
  return name;
}

export async function readCatalog(s: Session, roles: DbRoles): Promise<Catalog> {
  const rels = await s.query<{ name: string; kind: string }>(
    `select c.relname as name, c.relkind::text as kind from pg_class c join pg_namespace n on n.oid = c.relnamespace
     where n.nspname = 'public' and c.relkind in ('r', 'p', 'S', 'm') and not c.relispartition
       and pg_get_userbyid(c.relowner) = $1 order by c.relname`,
    [roles.owner],
  );
  const cols = await s.query<{ table: string; column: string }>(
    `select c.relname as table, a.attname as column from pg_attribute a
       join pg_class c on c.oid = a.attrelid join pg_namespace n on n.oid = c.relnamespace
     where n.nspname = 'public' and a.attnum > 0 and not a.attisdropped and a.attgenerated = ''
       and pg_get_userbyid(c.relowner) = $1 and c.relkind in ('r', 'p')
     order by c.relname, a.attnum`,
    [roles.owner],
  );
  const keys = await s.query<{ table: string; column: string; collatable: boolean }>(
    `select c.relname as table, a.attname as column, a.attcollation <> 0 as collatable
     from pg_constraint k join pg_class c on c.oid = k.conrelid join pg_namespace n on n.oid = c.relnamespace
       cross join lateral unnest(k.conkey) with ordinality as u(attnum, pos)
       join pg_attribute a on a.attrelid = c.oid and a.attnum = u.attnum
     where n.nspname = 'public' and k.contype = 'p' and pg_get_userbyid(c.relowner) = $1
     order by c.relname, u.pos`,
    [roles.owner],
  );
  const fks = await s.query<{ table: string; name: string; references: string; definition: string }>(
    `select c.relname as table, k.conname as name, r.relname as references, pg_get_constraintdef(k.oid) as definition
     from pg_constraint k join pg_class c on c.oid = k.conrelid join pg_class r on r.oid = k.confrelid
       join pg_namespace n on n.oid = c.relnamespace
     where n.nspname = 'public' and k.contype = 'f' and pg_get_userbyid(c.relowner) = $1
     order by c.relname, k.conname`,
    [roles.owner],
  );
  const tables = rels
    .filter((r) => r.kind === 'r' || r.kind === 'p')
    .map((r) => ({
      name: plain(r.name),
      columns: cols.filter((c) => c.table === r.name).map((c) => plain(c.column)),
      order: orderOf(
        r.name,
        keys.filter((k) => k.table === r.name),
      ),
    }));
  const foreignKeys = fks.map((f) => ({ ...f, name: plain(f.name) }));
  return {
    tables: dependencyOrder(tables, foreignKeys),
    sequences: rels.filter((r) => r.kind === 'S').map((r) => plain(r.name)),
    materializedViews: rels.filter((r) => r.kind === 'm').map((r) => plain(r.name)),
    foreignKeys,
  };
}

/** Parents before children (a table's own references and cycles aside); otherwise by name, so the order is stable. */
export function dependencyOrder(tables: TableInfo[], fks: ForeignKey[]): TableInfo[] {
  const names = new Set(tables.map((t) => t.name));
  const parents = new Map<string, Set<string>>(tables.map((t) => [t.name, new Set<string>()]));
  for (const f of fks) if (f.references !== f.table && names.has(f.references)) parents.get(f.table)?.add(f.references);
  const out: TableInfo[] = [];
  const placed = new Set<string>();
  let rest = [...tables].sort((a, b) => a.name.localeCompare(b.name));
  while (rest.length) {
    const ready = rest.filter((t) => [...(parents.get(t.name) ?? [])].every((p) => placed.has(p)));
    // A cycle: take the first table anyway; restore drops and re-adds foreign keys, so any order loads.
    const take = ready.length ? ready : [rest[0]!];
    for (const t of take) {
      out.push(t);
      placed.add(t.name);
    }
    rest = rest.filter((t) => !placed.has(t.name));
  }
  return out;
}

function orderOf(table: string, key: Array<{ column: string; collatable: boolean }>): string {
  // Without a primary key, whole rows as text order the table.
  if (key.length === 0) return `(${quoteIdent(plain(table))}.*)::text collate "C"`;
  return key.map((k) => `${quoteIdent(plain(k.column))}${k.collatable ? ' collate "C"' : ''}`).join(', ');
}

/** The statement whose COPY text is a table's content in the archive and in its checksum. */
export function orderedSelect(t: TableInfo): string {
  return `select ${t.columns.map(quoteIdent).join(', ')} from ${quoteIdent(t.name)} order by ${t.order}`;
}
