/**
 * Responsibility chains (責任鏈): who answers for a grid at each level up to the district, and the heads of the
 * departments serving it. Grid workers come from the grid's `grid_worker` assignments; everyone else is an entry of
 * the admin-edited `responsibility` table (0005). Phones are sealed at rest and masked except for admins over the
 * row, whose clear reads are audited.
 */
import { sql } from 'kysely';
import type { UserCaller } from '../../../db/caller.ts';
import type { Database, Tx } from '../../../db/database.ts';
import { type DataCipher, maskPhone } from '../../../domain/crypto.ts';
import { validatePhone } from '../../../domain/id-number.ts';
import { isUuid, newId } from '../../../domain/ids.ts';
import { AppError } from '../../errors.ts';
import type { Names } from '../../i18n.ts';
import { recordAudit } from '../audit/service.ts';
import { type PersonalField, seal } from '../registry/personal.ts';
import type { Level, NodeRef } from './queries.ts';

export interface ChainPerson {
  role: string;
  name: string;
  userId?: string;
  phone?: string;
}

export interface ChainLink {
  level: Level | 'department';
  node?: NodeRef;
  department?: { id: string; code: string; kind: string; name: Names };
  people: ChainPerson[];
  /** The caller administers this link: a PUT replaces its entries (and must carry them to keep them). */
  editable: boolean;
}

export interface ResponsibilityChain {
  grid: NodeRef;
  chain: ChainLink[];
  /** Some phone is shown masked: the caller administers not every row that has one. */
  masked: boolean;
}

export interface ChainEntryInput {
  jurisdictionId?: string;
  departmentId?: string;
  role: string;
  userId?: string;
  name?: string;
  phone?: string;
}

/** The phone of an entry: sealed like the basic data's phones, minus the blind index (nobody searches by it). */
const PHONE: PersonalField = { key: 'phone', column: 'phone', protection: 'sealed', mask: maskPhone };

/** Levels a chain climbs, from the grid up; it stops at the district. */
const CHAIN_LEVELS: readonly Level[] = ['grid', 'community', 'street', 'district'];

interface NodeRow {
  id: string;
  level: Level;
  code: string;
  path: string;
  nameZhHant: string;
  nameZhHans: string;
  nameEn: string;
}

interface DepartmentRow extends Omit<NodeRow, 'level'> {
  jurisdictionId: string;
  kind: string;
}

interface EntryRow {
  jurisdictionId: string;
  departmentId: string | null;
  path: string;
  role: string;
  userId: string | null;
  name: string;
  phoneEnc: string | null;
  phoneMasked: string | null;
}

const names = (r: { nameZhHant: string; nameZhHans: string; nameEn: string }): Names => ({
  'zh-Hant': r.nameZhHant,
  'zh-Hans': r.nameZhHans,
  en: r.nameEn,
});

const nodeRef = (r: NodeRow): NodeRef => ({ id: r.id, level: r.level, code: r.code, name: names(r) });

// ------------------------------------------------------------------------------------------------------ store

/** A current grid inside the caller's subtrees (RLS also shows ancestors, which are not the caller's to see). */
async function gridInScope(trx: Tx, id: string): Promise<NodeRow | null> {
  const { rows } = await sql<NodeRow>`select id, level, code, path::text as path, name_zh_hant as "nameZhHant",
      name_zh_hans as "nameZhHans", name_en as "nameEn"
    from jurisdiction where id = ${id} and level = 'grid' and valid_to is null
      and (gridloop_scope_all() or path <@ gridloop_scope())`.execute(trx);
  return rows[0] ?? null;
}

/** The grid and its community, street and district, grid first. */
async function chainNodes(trx: Tx, gridPath: string): Promise<NodeRow[]> {
  const { rows } = await sql<NodeRow>`select id, level, code, path::text as path, name_zh_hant as "nameZhHant",
      name_zh_hans as "nameZhHans", name_en as "nameEn"
    from jurisdiction where path @> ${gridPath}::ltree and valid_to is null
      and level in ('grid', 'community', 'street', 'district')
    order by nlevel(path) desc`.execute(trx);
  return rows;
}

/** Departments attached to the grid or a node above it, or named by a routing rule that covers the grid. */
async function servingDepartments(trx: Tx, gridPath: string): Promise<DepartmentRow[]> {
  const { rows } = await sql<DepartmentRow>`select d.id, d.code, d.kind, d.jurisdiction_id as "jurisdictionId",
      d.path::text as path, d.name_zh_hant as "nameZhHant", d.name_zh_hans as "nameZhHans", d.name_en as "nameEn"
    from department d
    where d.path @> ${gridPath}::ltree
      or d.id in (select r.department_id from routing_rule r where r.path @> ${gridPath}::ltree)
    order by nlevel(d.path) desc, d.code`.execute(trx);
  return rows;
}

async function gridWorkers(trx: Tx, gridId: string): Promise<Array<{ id: string; name: string }>> {
  const { rows } = await sql<{ id: string; name: string }>`select u.id, u.display_name as name
    from assignment a join app_user u on u.id = a.user_id
    where a.jurisdiction_id = ${gridId} and a.role = 'grid_worker' and not u.disabled
    order by u.display_name, u.id`.execute(trx);
  return rows;
}

async function entriesOf(trx: Tx, nodeIds: string[], departmentIds: string[]): Promise<EntryRow[]> {
  const { rows } = await sql<EntryRow>`select jurisdiction_id as "jurisdictionId", department_id as "departmentId",
      path::text as path, role, user_id as "userId", name, phone_enc as "phoneEnc", phone_masked as "phoneMasked"
    from responsibility
    where (department_id is null and jurisdiction_id = any(${nodeIds}::uuid[]))
      or department_id = any(${departmentIds}::uuid[])
    order by position, name, id`.execute(trx);
  return rows;
}

// ------------------------------------------------------------------------------------------------------ service

/** Whether the caller administers a row at `path`: an admin assignment whose subtree holds it. */
function administers(caller: UserCaller, path: string): boolean {
  return caller.assignments.some(
    (a) => a.role === 'admin' && (path === a.jurisdictionPath || path.startsWith(`${a.jurisdictionPath}.`)),
  );
}

export class ResponsibilityService {
  constructor(
    private readonly db: Database,
    private readonly cipher: DataCipher,
  ) {}

  async get(caller: UserCaller, gridId: string): Promise<ResponsibilityChain> {
    if (!isUuid(gridId)) throw new AppError('NOT_FOUND', { field: 'id' });
    return this.db.run(caller, (trx) => this.read(trx, caller, gridId));
  }

  private async read(trx: Tx, caller: UserCaller, gridId: string): Promise<ResponsibilityChain> {
    const grid = await gridInScope(trx, gridId);
    if (!grid) throw new AppError('NOT_FOUND', { field: 'id' });
    const nodes = await chainNodes(trx, grid.path);
    const departments = await servingDepartments(trx, grid.path);
    const entries = await entriesOf(trx, nodes.map((n) => n.id), departments.map((d) => d.id));
    let revealed = 0;
    let masked = false;
    const person = (e: EntryRow): ChainPerson => {
      const p: ChainPerson = { role: e.role, name: e.name };
      if (e.userId) p.userId = e.userId;
      if (e.phoneEnc) {
        if (administers(caller, e.path)) {
          p.phone = this.cipher.decrypt(e.phoneEnc) ?? undefined;
          revealed += 1;
        } else {
          p.phone = e.phoneMasked ?? undefined;
          masked = true;
        }
      }
      return p;
    };
    const chain: ChainLink[] = [];
    for (const level of CHAIN_LEVELS) {
      const node = nodes.find((n) => n.level === level);
      if (!node) continue;
      const people: ChainPerson[] = [];
      if (level === 'grid') {
        for (const w of await gridWorkers(trx, node.id)) people.push({ role: 'grid_worker', name: w.name, userId: w.id });
      }
      people.push(...entries.filter((e) => e.departmentId === null && e.jurisdictionId === node.id).map(person));
      chain.push({ level, node: nodeRef(node), people, editable: administers(caller, node.path) });
    }
    for (const d of departments) {
      chain.push({
        level: 'department',
        department: { id: d.id, code: d.code, kind: d.kind, name: names(d) },
        people: entries.filter((e) => e.departmentId === d.id).map(person),
        editable: administers(caller, d.path),
      });
    }
    if (revealed > 0) {
      await recordAudit(trx, {
        action: 'responsibility.reveal',
        objectType: 'jurisdiction',
        objectId: grid.id,
        jurisdictionId: grid.id,
        jurisdictionPath: grid.path,
        details: { phones: revealed },
      });
    }
    return { grid: nodeRef(grid), chain, masked };
  }

  /**
   * Replaces the chain's entries at every node and department of the chain that the admin administers: the body is
   * the whole editable chain, so an entry left out is removed. Entries above the admin's subtree are refused (403),
   * never silently dropped. Validation happens before any write; the whole change is one transaction.
   */
  async put(caller: UserCaller, gridId: string, input: ChainEntryInput[]): Promise<ResponsibilityChain> {
    if (!isUuid(gridId)) throw new AppError('NOT_FOUND', { field: 'id' });
    return this.db.run(caller, async (trx) => {
      const grid = await gridInScope(trx, gridId);
      if (!grid) throw new AppError('NOT_FOUND', { field: 'id' });
      const nodes = await chainNodes(trx, grid.path);
      const departments = await servingDepartments(trx, grid.path);
      const rows = await this.validate(trx, caller, input, nodes, departments);
      const editableNodes = nodes.filter((n) => administers(caller, n.path)).map((n) => n.id);
      const editableDepartments = departments.filter((d) => administers(caller, d.path)).map((d) => d.id);
      await sql`delete from responsibility
        where (department_id is null and jurisdiction_id = any(${editableNodes}::uuid[]))
          or department_id = any(${editableDepartments}::uuid[])`.execute(trx);
      for (const [i, r] of rows.entries()) {
        await sql`insert into responsibility (id, jurisdiction_id, department_id, path, role, user_id, name, phone_enc,
            phone_masked, position)
          values (${newId()}, ${r.jurisdictionId}, ${r.departmentId}, ${r.path}::ltree, ${r.role}, ${r.userId}, ${r.name},
            ${r.phoneEnc}, ${r.phoneMasked}, ${i})`.execute(trx);
      }
      await recordAudit(trx, {
        action: 'responsibility.update',
        objectType: 'jurisdiction',
        objectId: grid.id,
        jurisdictionId: grid.id,
        jurisdictionPath: grid.path,
        details: { entries: rows.length, nodes: editableNodes.length, departments: editableDepartments.length },
      });
      return this.read(trx, caller, gridId);
    });
  }

  private async validate(
    trx: Tx,
    caller: UserCaller,
    input: ChainEntryInput[],
    nodes: NodeRow[],
    departments: DepartmentRow[],
  ): Promise<EntryRow[]> {
    const invalid = (i: number, key: string) => {
      const field = `entries.${i}.${key}`;
      return new AppError('INVALID_INPUT', { field, params: { field } });
    };
    const userIds = [...new Set(input.map((e) => e.userId).filter((u): u is string => u !== undefined))];
    const { rows: users } = await sql<{ id: string; name: string }>`select id, display_name as name from app_user
      where id = any(${userIds.filter(isUuid)}::uuid[])`.execute(trx);
    const out: EntryRow[] = [];
    for (const [i, e] of input.entries()) {
      let at: { jurisdictionId: string; departmentId: string | null; path: string };
      if (e.departmentId !== undefined) {
        const d = departments.find((x) => x.id === e.departmentId);
        if (!d) throw invalid(i, 'departmentId');
        if (e.jurisdictionId !== undefined && e.jurisdictionId !== d.jurisdictionId) throw invalid(i, 'jurisdictionId');
        at = { jurisdictionId: d.jurisdictionId, departmentId: d.id, path: d.path };
      } else {
        const n = nodes.find((x) => x.id === e.jurisdictionId);
        if (!n) throw invalid(i, 'jurisdictionId');
        at = { jurisdictionId: n.id, departmentId: null, path: n.path };
      }
      if (!administers(caller, at.path)) {
        throw new AppError('FORBIDDEN', { field: `entries.${i}.${e.departmentId !== undefined ? 'departmentId' : 'jurisdictionId'}` });
      }
      const role = e.role.trim();
      if (role.length < 1 || role.length > 60) throw invalid(i, 'role');
      let userId: string | null = null;
      let name = e.name?.trim() ?? '';
      if (e.userId !== undefined) {
        const u = users.find((x) => x.id === e.userId);
        if (!u) throw invalid(i, 'userId');
        userId = u.id;
        if (!name) name = u.name;
      }
      if (name.length < 1 || name.length > 100) throw invalid(i, 'name');
      let phone: { enc: string | null; masked: string | null } = { enc: null, masked: null };
      if (e.phone !== undefined && e.phone.trim() !== '') {
        const p = validatePhone(e.phone);
        if (!p.ok) throw invalid(i, 'phone');
        phone = seal(this.cipher, PHONE, p.normalized);
      }
      out.push({ ...at, role, userId, name, phoneEnc: phone.enc, phoneMasked: phone.masked });
    }
    return out;
  }
}
