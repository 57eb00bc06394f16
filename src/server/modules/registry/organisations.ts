/**
 * Organisations: partner units, property companies, social organisations and owners' committees, with a contact and
 * the compounds they serve. Everyone who reads basic data finds them (masked); administrators add and edit them, and
 * each change is audited. The contact's phone is personal (`personal.ts`): masked in lists, in clear only through an
 * audited reveal.
 */
import { sql } from 'kysely';
import type { UserCaller } from '../../../db/caller.ts';
import type { Database, Tx } from '../../../db/database.ts';
import type { DataCipher } from '../../../domain/crypto.ts';
import { validatePhone } from '../../../domain/id-number.ts';
import { isUuid, newId } from '../../../domain/ids.ts';
import { nameSearchKey } from '../../../domain/text-normalize.ts';
import { AppError } from '../../errors.ts';
import { recordAudit } from '../audit/service.ts';
import { MAX_COMPOUNDS, ORGANISATION_KINDS, type OrganisationKind } from './organisation-import.ts';
import { inScope } from './plan-steps.ts';
import { personalField, personalKeys, presentPersonal, seal } from './personal.ts';

export interface OrganisationRow {
  id: string;
  kind: string;
  name: string;
  jurisdictionId: string;
  jurisdictionCode: string;
  jurisdictionName: { 'zh-Hant': string; 'zh-Hans': string; en: string };
  path: string;
  contactName: string | null;
  contactPhoneMasked: string | null;
  contactPhoneEnc: string | null;
  compounds: string[];
  address: string | null;
  updatedAt: string;
}

const COLUMNS = sql`o.id::text as id, o.kind, o.name, o.jurisdiction_id::text as "jurisdictionId", j.code as "jurisdictionCode",
  json_build_object('zh-Hant', j.name_zh_hant, 'zh-Hans', j.name_zh_hans, 'en', j.name_en) as "jurisdictionName", o.path::text as path,
  o.contact_name as "contactName", o.contact_phone_masked as "contactPhoneMasked", o.contact_phone_enc as "contactPhoneEnc",
  o.compounds, o.address, to_char(o.updated_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') as "updatedAt"`;

const FROM = sql`from organisation o join jurisdiction j on j.id = o.jurisdiction_id`;

export interface OrganisationInput {
  kind?: string;
  name?: string;
  jurisdictionId?: string;
  contactName?: string | null;
  contactPhone?: string | null;
  compounds?: string[];
  address?: string | null;
}

/** An opaque cursor over (name key, id): the order of the list. */
function encodeCursor(nameKey: string, id: string): string {
  return Buffer.from(JSON.stringify([nameKey, id])).toString('base64url');
}

function decodeCursor(cursor: string): [string, string] {
  try {
    const v: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(v) && v.length === 2 && typeof v[0] === 'string' && typeof v[1] === 'string' && isUuid(v[1])) return [v[0], v[1]];
  } catch {
    // Reported below.
  }
  throw new AppError('VALIDATION_FAILED', { field: 'cursor', params: { detail: 'cursor is not one this list gave' } });
}

function isKind(v: string): v is OrganisationKind {
  return (ORGANISATION_KINDS as readonly string[]).includes(v);
}

const PHONE = personalField('organisation', 'contactPhone');

export class OrganisationService {
  constructor(
    private readonly db: Database,
    private readonly cipher: DataCipher,
  ) {}

  view(row: OrganisationRow, reveal: boolean) {
    const personal = presentPersonal(
      'organisation',
      { contactPhone: { masked: row.contactPhoneMasked, enc: row.contactPhoneEnc } },
      reveal ? { cipher: this.cipher } : null,
    );
    return {
      id: row.id,
      kind: row.kind,
      name: row.name,
      jurisdictionId: row.jurisdictionId,
      jurisdictionCode: row.jurisdictionCode,
      jurisdictionName: row.jurisdictionName,
      contactName: row.contactName,
      contactPhone: personal.contactPhone ?? null,
      compounds: row.compounds,
      address: row.address,
      updatedAt: row.updatedAt,
      masked: !reveal,
    };
  }

  async list(caller: UserCaller, opts: { q?: string; kind?: string; limit: number; cursor?: string }) {
    const key = opts.q ? nameSearchKey(opts.q) : '';
    const after = opts.cursor ? decodeCursor(opts.cursor) : null;
    const like = `%${key.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    const rows = await this.db.run(caller, async (trx) =>
      (
        await sql<OrganisationRow & { nameKey: string }>`select ${COLUMNS}, o.name_key as "nameKey" ${FROM}
          where (${opts.kind ?? null}::text is null or o.kind = ${opts.kind ?? null})
            and (${key} = '' or o.name_key like ${like})
            and (${after?.[0] ?? null}::text is null or (o.name_key, o.id) > (${after?.[0] ?? ''}, ${after?.[1] ?? null}::uuid))
          order by o.name_key, o.id limit ${opts.limit + 1}`.execute(trx)
      ).rows,
    );
    const page = rows.slice(0, opts.limit);
    const last = page.at(-1);
    return { items: page.map((r) => this.view(r, false)), next: rows.length > opts.limit && last ? encodeCursor(last.nameKey, last.id) : null };
  }

  private async byId(trx: Tx, id: string): Promise<OrganisationRow> {
    const { rows } = isUuid(id) ? await sql<OrganisationRow>`select ${COLUMNS} ${FROM} where o.id = ${id}`.execute(trx) : { rows: [] };
    if (!rows[0]) throw new AppError('ORGANISATION_NOT_FOUND', { field: 'id' });
    return rows[0];
  }

  async get(caller: UserCaller, id: string) {
    return this.view(await this.db.run(caller, (trx) => this.byId(trx, id)), false);
  }

  /** The contact in clear; the reason and the fields shown are audited in the same transaction. */
  async reveal(caller: UserCaller, id: string, reason: string) {
    return this.db.run(caller, async (trx) => {
      const row = await this.byId(trx, id);
      await recordAudit(trx, {
        action: 'organisation.reveal',
        objectType: 'organisation',
        objectId: id,
        jurisdictionId: row.jurisdictionId,
        jurisdictionPath: row.path,
        reason,
        details: { fields: personalKeys('organisation') },
      });
      return this.view(row, true);
    });
  }

  async create(caller: UserCaller, input: OrganisationInput) {
    if (!input.kind || !isKind(input.kind)) throw new AppError('VALIDATION_FAILED', { field: 'kind', params: { detail: `kind must be one of ${ORGANISATION_KINDS.join(', ')}` } });
    const name = (input.name ?? '').trim();
    if (name === '') throw new AppError('VALIDATION_FAILED', { field: 'name', params: { detail: 'name is required' } });
    const values = checked(input);
    const id = newId();
    return this.db.run(caller, async (trx) => {
      const node = await this.jurisdiction(trx, caller, input.jurisdictionId ?? '');
      const phone = seal(this.cipher, PHONE, values.contactPhone ?? null);
      const { rows } = await sql<{ id: string }>`insert into organisation (id, path, jurisdiction_id, kind, name, name_key, contact_name,
          contact_phone_enc, contact_phone_index, contact_phone_masked, compounds, address)
        values (${id}, ${node.path}::ltree, ${node.id}, ${input.kind}, ${name}, ${nameSearchKey(name)}, ${values.contactName ?? null},
          ${phone.enc}, ${phone.index}, ${phone.masked}, ${values.compounds ?? []}::text[], ${values.address ?? null})
        on conflict (jurisdiction_id, kind, name_key) do nothing returning id::text as id`.execute(trx);
      if (!rows[0]) throw new AppError('ORGANISATION_EXISTS', { field: 'name' });
      await recordAudit(trx, {
        action: 'organisation.create',
        objectType: 'organisation',
        objectId: id,
        jurisdictionId: node.id,
        jurisdictionPath: node.path,
        details: { kind: input.kind, name },
      });
      return this.view(await this.byId(trx, id), false);
    });
  }

  async update(caller: UserCaller, id: string, input: OrganisationInput) {
    if (input.kind !== undefined && !isKind(input.kind)) {
      throw new AppError('VALIDATION_FAILED', { field: 'kind', params: { detail: `kind must be one of ${ORGANISATION_KINDS.join(', ')}` } });
    }
    const name = input.name?.trim();
    if (name === '') throw new AppError('VALIDATION_FAILED', { field: 'name', params: { detail: 'name is required' } });
    const values = checked(input);
    const run = this.db.run(caller, async (trx) => {
      const before = await this.byId(trx, id);
      const node = input.jurisdictionId !== undefined ? await this.jurisdiction(trx, caller, input.jurisdictionId) : { id: before.jurisdictionId, path: before.path };
      const kind = input.kind ?? before.kind;
      const newName = name ?? before.name;
      const clash = await sql<{ id: string }>`select id from organisation where id <> ${id} and jurisdiction_id = ${node.id}
        and kind = ${kind} and name_key = ${nameSearchKey(newName)}`.execute(trx);
      if (clash.rows.length > 0) throw new AppError('ORGANISATION_EXISTS', { field: 'name' });
      const phone = values.contactPhone !== undefined ? seal(this.cipher, PHONE, values.contactPhone) : null;
      await sql`update organisation set kind = ${kind}, name = ${newName}, name_key = ${nameSearchKey(newName)},
          jurisdiction_id = ${node.id}, path = ${node.path}::ltree,
          contact_name = ${values.contactName !== undefined ? values.contactName : before.contactName},
          contact_phone_enc = ${phone ? phone.enc : before.contactPhoneEnc},
          contact_phone_index = case when ${phone !== null} then ${phone?.index ?? null} else contact_phone_index end,
          contact_phone_masked = ${phone ? phone.masked : before.contactPhoneMasked},
          compounds = ${values.compounds ?? before.compounds}::text[],
          address = ${values.address !== undefined ? values.address : before.address}, updated_at = now()
        where id = ${id}`.execute(trx);
      const after = await this.byId(trx, id);
      // The names of the fields changed, never their values: a phone number stays out of the audit log.
      await recordAudit(trx, {
        action: 'organisation.update',
        objectType: 'organisation',
        objectId: id,
        jurisdictionId: after.jurisdictionId,
        jurisdictionPath: after.path,
        details: { fields: Object.keys(input).filter((k) => (input as Record<string, unknown>)[k] !== undefined) },
      });
      return this.view(after, false);
    });
    // Two administrators renaming at once: the unique index settles it, and the loser hears why.
    return run.catch((err: unknown) => {
      if ((err as { code?: string }).code === '23505') throw new AppError('ORGANISATION_EXISTS', { field: 'name' });
      throw err;
    });
  }

  /** A current jurisdiction in the caller's scope; outside it, as unknown (404). */
  private async jurisdiction(trx: Tx, caller: UserCaller, id: string): Promise<{ id: string; path: string }> {
    const { rows } = isUuid(id)
      ? await sql<{ id: string; path: string }>`select id::text as id, path::text as path from jurisdiction where id = ${id} and valid_to is null`.execute(trx)
      : { rows: [] };
    const node = rows[0];
    if (!node || !inScope(caller, node.path)) throw new AppError('JURISDICTION_NOT_FOUND', { field: 'jurisdictionId' });
    return node;
  }
}

/** The optional fields of an input, checked and normalised: a phone to digits, compounds trimmed and each once. */
function checked(input: OrganisationInput): Pick<OrganisationInput, 'contactName' | 'contactPhone' | 'compounds' | 'address'> {
  const out: Pick<OrganisationInput, 'contactName' | 'contactPhone' | 'compounds' | 'address'> = {};
  if (input.contactName !== undefined) out.contactName = input.contactName?.trim() || null;
  if (input.address !== undefined) out.address = input.address?.trim() || null;
  if (input.contactPhone !== undefined) {
    const t = input.contactPhone?.trim() ?? '';
    if (t === '') out.contactPhone = null;
    else {
      const r = validatePhone(t);
      if (!r.ok) throw new AppError('VALIDATION_FAILED', { field: 'contactPhone', params: { detail: 'not a phone number' } });
      out.contactPhone = r.normalized;
    }
  }
  if (input.compounds !== undefined) {
    const list = [...new Set(input.compounds.map((c) => c.trim()).filter((c) => c !== ''))];
    if (list.length > MAX_COMPOUNDS || list.some((c) => c.length > 100)) {
      throw new AppError('VALIDATION_FAILED', { field: 'compounds', params: { detail: `at most ${MAX_COMPOUNDS} compounds of 100 characters` } });
    }
    out.compounds = list;
  }
  return out;
}
