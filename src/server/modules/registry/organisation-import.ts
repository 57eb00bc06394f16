/**
 * Organisations in the import engine: partner units, property companies, social organisations and owners' committees,
 * each placed in a jurisdiction named by its code or name (or found from a position or a building's address), keyed by
 * kind and name within that jurisdiction. The contact's phone is sealed as `personal.ts` declares.
 */
import { sql } from 'kysely';
import { systemCaller } from '../../../db/caller.ts';
import { validatePhone } from '../../../domain/id-number.ts';
import { newId } from '../../../domain/ids.ts';
import { nameSearchKey, normalizeAddress, toSimplified } from '../../../domain/text-normalize.ts';
import type { CsvValue } from '../../../demo/copy.ts';
import type { RowError } from './import.ts';
import { PERSONAL_FIELDS, seal } from './personal.ts';
import { csvOf, firstInFile, inScope, type Pending, type Planner, placePoints, refuse } from './plan-steps.ts';
import { type Cells, coded, type LngLat, lngLat, type RowProblem, text } from './rows.ts';
import * as store from './store.ts';

export const ORGANISATION_KINDS = ['partner_unit', 'property_company', 'social_organization', 'owners_committee'] as const;
export type OrganisationKind = (typeof ORGANISATION_KINDS)[number];

export interface OrganisationValues {
  kind: string;
  name: string;
  nameKey: string;
  /** A jurisdiction's code or name, as written. */
  jurisdiction: string | null;
  contactName: string | null;
  /** Digits only. */
  contactPhone: string | null;
  compounds: string[];
  address: string | null;
  addressKey: string | null;
  point: LngLat | null;
}

// Compound names may hold spaces (金茂府 二期): only these separate them.
const COMPOUND_SEPARATORS = /[、,，;；|\n]+/;
export const MAX_COMPOUNDS = 50;

/** The compounds a cell lists, each once, trimmed; too many or too long ones are the row's problem. */
export function splitCompounds(textValue: string): string[] | null {
  const out: string[] = [];
  for (const part of textValue.normalize('NFKC').split(COMPOUND_SEPARATORS)) {
    const c = part.trim();
    if (c === '') continue;
    if (c.length > 100) return null;
    if (!out.includes(c)) out.push(c);
  }
  return out.length > MAX_COMPOUNDS ? null : out;
}

export function parseOrganisation(cells: Cells): { ok: true; value: OrganisationValues } | { ok: false; problems: RowProblem[] } {
  const problems: RowProblem[] = [];
  const kind = coded('organisations', cells, 'kind', problems, true);
  const name = text(cells, 'name', problems, true, 200);
  const jurisdiction = text(cells, 'jurisdiction', problems, false, 100);
  const contactName = text(cells, 'contactName', problems, false, 100);
  let contactPhone: string | null = null;
  if ((cells.contactPhone ?? '') !== '') {
    const r = validatePhone(cells.contactPhone ?? '');
    if (r.ok) contactPhone = r.normalized;
    else problems.push({ field: 'contactPhone', problem: 'phone_invalid' });
  }
  let compounds: string[] = [];
  if ((cells.compounds ?? '') !== '') {
    const c = splitCompounds(cells.compounds ?? '');
    if (c === null) problems.push({ field: 'compounds', problem: 'too_long' });
    else compounds = c;
  }
  const address = text(cells, 'address', problems);
  const point = lngLat(cells, problems);
  if (jurisdiction === null && point === null && address === null && problems.length === 0) {
    problems.push({ field: 'jurisdiction', problem: 'required' });
  }
  if (problems.length > 0 || kind === null || name === null) return { ok: false, problems };
  return {
    ok: true,
    value: {
      kind,
      name,
      nameKey: nameSearchKey(name),
      jurisdiction,
      contactName,
      contactPhone,
      compounds,
      address,
      addressKey: address === null ? null : normalizeAddress(address),
      point,
    },
  };
}

interface Node {
  id: string;
  path: string;
}

const STAGE: ReadonlyArray<readonly [string, string]> = [
  ['id', 'uuid'],
  ['existing_id', 'uuid'],
  ['jurisdiction_id', 'uuid'],
  ['path', 'ltree'],
  ['kind', 'text'],
  ['name', 'text'],
  ['name_key', 'text'],
  ['contact_name', 'text'],
  ['contact_phone_enc', 'text'],
  ['contact_phone_index', 'text'],
  ['contact_phone_masked', 'text'],
  ['compounds', 'text[]'],
  ['address', 'text'],
];

/** A text[] literal for COPY: every element quoted, so that commas and braces in compound names stay inside it. */
function textArray(values: readonly string[]): string {
  return `{${values.map((v) => `"${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`).join(',')}}`;
}

export const planOrganisations: Planner<OrganisationValues> = async (state, rows) => {
  const { deps, spec } = state;
  const refused: RowError[] = [];
  let skipped = 0;
  const named = [...new Set(rows.map((r) => r.value.jurisdiction).filter((j): j is string => j !== null))];
  const keys = [...new Set(rows.map((r) => r.value.addressKey).filter((k): k is string => k !== null))];
  // Looked up as the system, so that a jurisdiction outside the caller's scope is refused as such; a name that several
  // jurisdictions bear is ambiguous unless only one of them lies in the caller's scope.
  const { nodes, buildings } = await deps.db.run(systemCaller('registry-import'), async (trx) => {
    const found = new Map<string, Node[]>(named.map((t) => [t, []]));
    if (named.length > 0) {
      const simplified = named.map((t) => toSimplified(t));
      const { rows: hits } = await sql<{ t: string; id: string; path: string }>`select q.t, j.id::text as id, j.path::text as path
        from unnest(${named}::text[], ${simplified}::text[]) as q(t, s)
        join jurisdiction j on j.valid_to is null and (j.code = q.t or j.name_zh_hans = q.s or j.name_zh_hant = q.t or lower(j.name_en) = lower(q.t))
        order by j.path`.execute(trx);
      for (const h of hits) found.get(h.t)?.push({ id: h.id, path: h.path });
    }
    return { nodes: found, buildings: await store.matchBuildings(trx, keys, deps.addressThreshold) };
  });
  // Rows without a jurisdiction are placed by their position, else by their address's building.
  const located = await placePoints(state, rows.map((r) => (r.value.jurisdiction === null ? r.value.point : null)));

  const placed: Array<Pending<OrganisationValues> & { node: Node }> = [];
  rows.forEach((r, i) => {
    const v = r.value;
    let node: Node | null = null;
    if (v.jurisdiction !== null) {
      const all = nodes.get(v.jurisdiction) ?? [];
      const mine = all.filter((n) => inScope(spec.caller, n.path));
      if (all.length === 0) refused.push(refuse(r.row, 'jurisdiction', 'jurisdiction_unknown', v.jurisdiction.slice(0, 50)));
      else if (mine.length === 0) refused.push(refuse(r.row, 'jurisdiction', 'outside_scope'));
      else if (mine.length > 1) refused.push(refuse(r.row, 'jurisdiction', 'jurisdiction_ambiguous', v.jurisdiction.slice(0, 50)));
      else node = mine[0] ?? null;
      if (node === null) return;
    } else {
      const at = located[i];
      const b = v.addressKey !== null ? buildings.get(v.addressKey) : undefined;
      if (at && at !== 'outside_grids') node = { id: at.gridId ?? '', path: at.path };
      else if (b) node = { id: b.gridId ?? '', path: b.path };
      if (node === null || node.id === '') {
        refused.push(at === 'outside_grids' ? refuse(r.row, 'lng', 'outside_grids') : refuse(r.row, 'address', 'address_unmatched', v.address?.slice(0, 80)));
        return;
      }
      if (!inScope(spec.caller, node.path)) {
        refused.push(refuse(r.row, 'address', 'outside_scope'));
        return;
      }
    }
    const prior = firstInFile(state, `org:${node.id}:${v.kind}:${v.nameKey}`, r.row);
    if (prior !== null) refused.push(refuse(r.row, 'name', 'duplicate_in_file', `row ${prior}`));
    else placed.push({ ...r, node });
  });

  const existing = await deps.db.run(spec.caller, async (trx) => {
    if (placed.length === 0) return new Map<string, string>();
    const { rows: found } = await sql<{ k: string; id: string }>`select o.jurisdiction_id::text || ':' || o.kind || ':' || o.name_key as k, o.id::text as id
      from organisation o join unnest(${placed.map((p) => p.node.id)}::uuid[], ${placed.map((p) => p.value.kind)}::text[],
        ${placed.map((p) => p.value.nameKey)}::text[]) as q(j, k, n) on o.jurisdiction_id = q.j and o.kind = q.k and o.name_key = q.n`.execute(trx);
    return new Map(found.map((f) => [f.k, f.id]));
  });
  const csv: CsvValue[][] = [];
  for (const p of placed) {
    const v = p.value;
    const prior = existing.get(`${p.node.id}:${v.kind}:${v.nameKey}`);
    if (prior && spec.mode === 'skip') {
      skipped++;
      continue;
    }
    const phone = seal(deps.cipher, PERSONAL_FIELDS.organisation[0], v.contactPhone);
    csv.push([prior ?? newId(), prior ?? null, p.node.id, p.node.path, v.kind, v.name, v.nameKey, v.contactName, phone.enc, phone.index,
      phone.masked, textArray(v.compounds), v.address]);
  }
  const imp = spec.id;
  return {
    refused,
    skipped,
    stages: [{ name: 'stage_organisation', columns: STAGE, csv: csvOf(csv) }],
    apply: async (exec) => {
      await exec(store.journal('organisation', imp, sql`select existing_id from stage_organisation where existing_id is not null`));
      const updated = await exec(sql`update organisation o set name = s.name, contact_name = coalesce(s.contact_name, o.contact_name),
          contact_phone_enc = coalesce(s.contact_phone_enc, o.contact_phone_enc),
          contact_phone_index = coalesce(s.contact_phone_index, o.contact_phone_index),
          contact_phone_masked = coalesce(s.contact_phone_masked, o.contact_phone_masked),
          compounds = case when cardinality(s.compounds) > 0 then s.compounds else o.compounds end,
          address = coalesce(s.address, o.address), import_id = ${imp}, updated_at = now()
        from stage_organisation s where o.id = s.existing_id returning o.id`);
      const inserted = await exec(sql`insert into organisation (id, path, jurisdiction_id, kind, name, name_key, contact_name,
          contact_phone_enc, contact_phone_index, contact_phone_masked, compounds, address, import_id)
        select id, path, jurisdiction_id, kind, name, name_key, contact_name, contact_phone_enc, contact_phone_index,
          contact_phone_masked, compounds, address, ${imp} from stage_organisation where existing_id is null returning id`);
      return { written: inserted.length, updated: updated.length };
    },
  };
};
