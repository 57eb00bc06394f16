/**
 * Basic data (人房地事物): imports that run in the background of this process, search and the record of a person
 * (masked), reveal (audited), export (masked, audited) and completeness.
 */
import { rm } from 'node:fs/promises';
import { sql } from 'kysely';
import { type Caller, scopePaths, systemCaller, type UserCaller } from '../../../db/caller.ts';
import type { Database } from '../../../db/database.ts';
import { DataCipher } from '../../../domain/crypto.ts';
import { validateIdNumber, validatePassport, validatePhone } from '../../../domain/id-number.ts';
import { isUuid, newId } from '../../../domain/ids.ts';
import { nameSearchKey, normalizeAddress } from '../../../domain/text-normalize.ts';
import type { Config } from '../../config.ts';
import { AppError } from '../../errors.ts';
import type { Locale } from '../../i18n.ts';
import { recordAudit } from '../audit/service.ts';
import type { TerritoryService } from '../territory/service.ts';
import type { RegistryKind } from './columns.ts';
import { checkHeader, type ImportCounts, ImportCancelled, type ImportDeps, type ImportMode, runImport } from './import.ts';
import type { ExportRow } from './export-stream.ts';
import { OrganisationService } from './organisations.ts';
import { personalKeys, presentPersonal } from './personal.ts';
import * as q from './queries.ts';
import { PROBLEM_TEXT, type Problem } from './rows.ts';
import { undoImport } from './store.ts';

export interface ImportStatus {
  id: string;
  kind: string;
  mode: string;
  status: 'queued' | 'running' | 'done' | 'failed' | 'cancelled';
  fileName: string;
  rowsRead: number;
  rowsWritten: number;
  rowsUpdated: number;
  rowsSkipped: number;
  rowsRefused: number;
  bytesRead: number;
  bytesTotal: number;
  rowsPerSecond: number | null;
  etaSeconds: number | null;
  message: string | null;
  createdAt: string;
  finishedAt: string | null;
}

interface Running {
  cancel: boolean;
  done: Promise<void>;
}

export interface StartImport {
  kind: RegistryKind;
  mode: ImportMode;
  path: string;
  fileName: string;
  bytesTotal: number;
  mapping?: Record<string, string>;
  /** The file is a temporary copy of an upload: removed when the import ends. */
  removeFile?: boolean;
}

export class RegistryService {
  readonly cipher: DataCipher;
  private readonly running = new Map<string, Running>();
  private readonly deps: ImportDeps;
  /** Heard after each committed batch of any import: the tests stop an import half-way through with it. */
  afterBatch: ((id: string, counts: ImportCounts) => Promise<void> | void) | null = null;

  readonly organisations: OrganisationService;
  /** Rows per keyset page of an export or an error report: what is held in memory while it streams. */
  pageSize = 2000;

  constructor(
    private readonly db: Database,
    territory: TerritoryService,
    config: Config,
    opts: { batchSize?: number; addressThreshold?: number } = {},
  ) {
    this.cipher = new DataCipher(config.dataKey);
    this.deps = { db, territory, cipher: this.cipher, batchSize: opts.batchSize ?? 2000, addressThreshold: opts.addressThreshold ?? 0.5 };
    this.organisations = new OrganisationService(db, this.cipher);
  }

  /** Smaller batches, for tests that cancel between them. */
  setBatchSize(n: number): void {
    this.deps.batchSize = n;
  }

  /** Checks the file's header, records the job, and runs it in the background; returns at once with its id. */
  async startImport(caller: Caller, input: StartImport): Promise<{ id: string }> {
    const mapping = input.mapping ?? {};
    try {
      await checkHeader(input.path, input.fileName, input.kind, mapping);
    } catch (err) {
      if (input.removeFile) await rm(input.path, { force: true });
      throw err;
    }
    const id = newId();
    await this.db.run(caller, async (trx) => {
      // The job belongs to the caller's area, so that those who share the area follow it; the system's to the root.
      const path =
        caller.kind === 'user'
          ? (scopePaths(caller)[0] ?? '')
          : ((await sql<{ p: string }>`select path::text as p from jurisdiction where parent_id is null and valid_to is null order by code limit 1`.execute(trx)).rows[0]?.p ?? '');
      await sql`insert into import_job (id, kind, mode, status, file_name, user_id, path, bytes_total, mapping, started_at)
        values (${id}, ${input.kind}, ${input.mode}, 'running', ${input.fileName}, ${caller.kind === 'user' ? caller.userId : null},
          ${path}::ltree, ${input.bytesTotal}, ${JSON.stringify(mapping)}::jsonb, now())`.execute(trx);
      await recordAudit(trx, { action: 'registry.import', objectType: 'import', objectId: id, details: { kind: input.kind, mode: input.mode } });
    });
    const entry: Running = { cancel: false, done: Promise.resolve() };
    entry.done = this.execute(caller, id, input, mapping, entry).finally(async () => {
      this.running.delete(id);
      if (input.removeFile) await rm(input.path, { force: true });
    });
    this.running.set(id, entry);
    return { id };
  }

  private async execute(caller: Caller, id: string, input: StartImport, mapping: Record<string, string>, entry: Running): Promise<void> {
    const spec = { id, kind: input.kind, mode: input.mode, caller, path: input.path, fileName: input.fileName, mapping };
    try {
      const match = await checkHeader(input.path, input.fileName, input.kind, mapping);
      await runImport(this.deps, spec, match, (counts) => this.afterBatch?.(id, counts), () => entry.cancel);
      await this.finish(id, 'done', null);
    } catch (err) {
      const cancelled = err instanceof ImportCancelled;
      // A stopped import leaves the data as it was: rows it added go, rows it updated come back.
      await this.db.runAsOwner('registry-import-undo', (trx) => undoImport(trx, id));
      await this.finish(id, cancelled ? 'cancelled' : 'failed', cancelled ? null : String((err as Error).message ?? err).slice(0, 500));
    }
  }

  private async finish(id: string, status: 'done' | 'failed' | 'cancelled', message: string | null): Promise<void> {
    await this.db.run(systemCaller('registry-import'), (trx) =>
      sql`update import_job set status = ${status}, message = ${message}, finished_at = now() where id = ${id}`.execute(trx),
    );
  }

  /** Resolves when the import has ended (the CLI and the tests wait on it). */
  async wait(id: string): Promise<void> {
    await this.running.get(id)?.done;
  }

  async importStatus(caller: Caller, id: string): Promise<ImportStatus> {
    if (!isUuid(id)) throw new AppError('IMPORT_NOT_FOUND', { field: 'id' });
    const row = await this.db.run(caller, async (trx) => {
      const { rows } = await sql<ImportStatus & { elapsed: number }>`select id::text as id, kind, mode, status, file_name as "fileName",
          rows_read as "rowsRead", rows_written as "rowsWritten", rows_updated as "rowsUpdated", rows_skipped as "rowsSkipped",
          rows_refused as "rowsRefused", bytes_read::float8 as "bytesRead", bytes_total::float8 as "bytesTotal", message,
          to_char(created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') as "createdAt",
          to_char(finished_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') as "finishedAt",
          extract(epoch from (coalesce(finished_at, now()) - coalesce(started_at, created_at)))::float8 as elapsed
        from import_job where id = ${id}`.execute(trx);
      return rows[0];
    });
    if (!row) throw new AppError('IMPORT_NOT_FOUND', { field: 'id' });
    const { elapsed, ...status } = row;
    const rate = elapsed > 0 ? row.rowsRead / elapsed : null;
    const byteRate = elapsed > 0 ? row.bytesRead / elapsed : 0;
    // The file's bytes are the only measure of what is left before the end is reached.
    const eta = row.status === 'running' && byteRate > 0 ? Math.max(0, (row.bytesTotal - row.bytesRead) / byteRate) : null;
    return { ...status, rowsPerSecond: rate === null ? null : Math.round(rate), etaSeconds: eta === null ? null : Math.round(eta) };
  }

  /**
   * The error report of an import, a keyset page at a time in row order: row, column, problem code, and the problem in
   * the reader's language. Checks the import is the caller's to see before the first row.
   */
  async *importErrors(caller: Caller, id: string, locale: Locale): AsyncGenerator<ExportRow> {
    await this.importStatus(caller, id);
    const head = ERROR_REPORT_HEADER[locale];
    let after = 0;
    for (;;) {
      const page = await this.db.run(caller, (trx) => q.importErrorsPage(trx, id, after, this.pageSize));
      for (const r of page) {
        const words = PROBLEM_TEXT[r.problem as Problem]?.[locale] ?? r.problem;
        yield { [head[0]]: r.row, [head[1]]: r.column ?? '', [head[2]]: r.problem, [head[3]]: r.detail ? `${words} (${r.detail})` : words };
      }
      const last = page.at(-1);
      if (!last) break;
      after = last.row;
    }
  }

  /** Asks a running import to stop at its next batch, without waiting. */
  requestCancel(id: string): boolean {
    const entry = this.running.get(id);
    if (entry) entry.cancel = true;
    return entry !== undefined;
  }

  async cancelImport(caller: Caller, id: string): Promise<ImportStatus> {
    const status = await this.importStatus(caller, id);
    const entry = this.running.get(id);
    if (!entry || status.status !== 'running') throw new AppError('IMPORT_FINISHED', { field: 'id', params: { status: status.status } });
    entry.cancel = true;
    await this.db.run(caller, (trx) =>
      recordAudit(trx, { action: 'registry.import_cancel', objectType: 'import', objectId: id }),
    );
    await entry.done;
    return this.importStatus(caller, id);
  }

  // -------------------------------------------------------------------------------------------------------------
  // Search and read. Lists and records are always masked; the clear values come only through reveal.

  private personView(row: q.PersonRow, reveal: boolean) {
    const personal = presentPersonal(
      'person',
      {
        idNumber: { masked: row.idNumberMasked, enc: row.idNumberEnc },
        phone: { masked: row.phoneMasked, enc: row.phoneEnc },
        birthDate: { clear: row.birthDate },
      },
      reveal ? { cipher: this.cipher } : null,
    );
    return {
      id: row.id,
      name: row.name,
      idType: row.idType,
      idNumber: personal.idNumber ?? null,
      phone: personal.phone ?? null,
      birthDate: personal.birthDate ?? null,
      gender: row.gender,
      careTags: row.careTags,
      gridId: row.gridId,
      residenceType: row.residenceType,
      householdId: row.householdId,
      householdNumber: row.householdNumber,
      buildingId: row.buildingId,
      address: row.address,
      masked: !reveal,
    };
  }

  async searchPersons(caller: UserCaller, text: string, limit: number) {
    const t = text.trim();
    if (t === '') return { items: [] };
    let query: q.PersonQuery;
    const id = validateIdNumber(t);
    const phone = validatePhone(t);
    if (id.ok) query = { by: 'index', index: this.cipher.blindIndex(id.normalized) };
    else if (phone.ok) query = { by: 'phone', index: this.cipher.blindIndex(phone.normalized) };
    else if (/\d{6,}/.test(t) && validatePassport(t).ok) query = { by: 'index', index: this.cipher.blindIndex(t.normalize('NFKC').replace(/\s+/g, '').toUpperCase()) };
    else query = { by: 'name', key: nameSearchKey(t) };
    const rows = await this.db.run(caller, (trx) => q.searchPersons(trx, query, limit));
    return { items: rows.map((r) => this.personView(r, false)) };
  }

  async person(caller: UserCaller, id: string) {
    if (!isUuid(id)) throw new AppError('PERSON_NOT_FOUND', { field: 'id' });
    return this.db.run(caller, async (trx) => {
      const row = await q.personById(trx, id);
      if (!row) throw new AppError('PERSON_NOT_FOUND', { field: 'id' });
      return { ...this.personView(row, false), residences: await q.residencesOf(trx, id) };
    });
  }

  /** The record in clear; the reason and the fields shown go to the audit log in the same transaction. */
  async revealPerson(caller: UserCaller, id: string, reason: string) {
    if (!isUuid(id)) throw new AppError('PERSON_NOT_FOUND', { field: 'id' });
    return this.db.run(caller, async (trx) => {
      const row = await q.personById(trx, id);
      if (!row) throw new AppError('PERSON_NOT_FOUND', { field: 'id' });
      await recordAudit(trx, {
        action: 'person.reveal',
        objectType: 'person',
        objectId: id,
        jurisdictionId: row.gridId,
        jurisdictionPath: row.path,
        reason,
        details: { fields: personalKeys('person') },
      });
      return { ...this.personView(row, true), residences: await q.residencesOf(trx, id) };
    });
  }

  async searchBuildings(caller: UserCaller, text: string, limit: number) {
    const key = normalizeAddress(text);
    if (key === '') return { items: [] };
    return { items: await this.db.run(caller, (trx) => q.searchBuildings(trx, key, limit)) };
  }

  async components(caller: UserCaller, code: string, limit: number) {
    return { items: await this.db.run(caller, (trx) => q.componentsByCode(trx, code, limit)) };
  }

  /** A GeoJSON layer for the map; `truncated` tells the map to zoom in (or cluster) rather than trust the count. */
  async mapLayer(caller: UserCaller, layer: 'buildings' | 'components', box: [number, number, number, number], opts: { limit: number; points: boolean }) {
    const rows = await this.db.run(caller, (trx) => q.mapFeatures(trx, layer, box, { ...opts, limit: opts.limit + 1 }));
    return {
      type: 'FeatureCollection' as const,
      truncated: rows.length > opts.limit,
      features: rows.slice(0, opts.limit).map((r) => ({
        type: 'Feature' as const,
        id: r.id,
        properties: { label: r.label, status: r.status, gridId: r.gridId },
        geometry: JSON.parse(r.geometry) as unknown,
      })),
    };
  }

  async completeness(caller: UserCaller, jurisdictionId: string) {
    if (!isUuid(jurisdictionId)) throw new AppError('JURISDICTION_NOT_FOUND', { field: 'jurisdiction' });
    return this.db.run(caller, async (trx) => {
      const { rows } = await sql<{ id: string; level: string; path: string }>`select id::text as id, level, path::text as path
        from jurisdiction where id = ${jurisdictionId} and valid_to is null`.execute(trx);
      if (!rows[0]) throw new AppError('JURISDICTION_NOT_FOUND', { field: 'jurisdiction' });
      return { items: await q.completeness(trx, rows[0]) };
    });
  }

  /** Every building centroid or component of the caller's scope, compactly: see `queries.mapPoints`. */
  async mapPoints(caller: UserCaller, layer: 'buildings' | 'components'): Promise<string> {
    const points = await this.db.run(caller, (trx) => q.mapPoints(trx, layer));
    const head = { asOf: new Date().toISOString(), layer, categories: q.POINT_CATEGORIES[layer] };
    return `${JSON.stringify(head).slice(0, -1)},"points":${points}}`;
  }

  /** A page of the completeness drill-down; `next` is the cursor of the following page, null at the end. */
  async missing(caller: UserCaller, jurisdictionId: string, kind: q.MissingKind, limit: number, cursor?: string) {
    if (!isUuid(jurisdictionId)) throw new AppError('JURISDICTION_NOT_FOUND', { field: 'jurisdiction' });
    const after = cursor ? decodeMissingCursor(cursor) : null;
    const rows = await this.db.run(caller, (trx) => q.missingRecords(trx, jurisdictionId, kind, limit + 1, after));
    const items = rows.slice(0, limit);
    const last = items.at(-1);
    const next = rows.length > limit && last ? Buffer.from(JSON.stringify([last.gridCode, last.id])).toString('base64url') : null;
    return { items: items.map(({ gridCode: _c, ...item }) => item), next };
  }

  // -------------------------------------------------------------------------------------------------------------
  // Export: page by page within the caller's scope, masked unless revealed with a reason; one audit row per export.

  async *exportRows(caller: Caller, kind: RegistryKind, opts: { reveal?: { reason: string } } = {}): AsyncGenerator<ExportRow> {
    let after: string | null = null;
    let count = 0;
    let complete = false;
    // A street or more (paths of up to three labels: city, district, street), or the whole system.
    const wide = caller.kind !== 'user' || scopePaths(caller).some((p) => p.split('.').length <= 3);
    try {
      for (;;) {
        const page = await this.db.run(caller, (trx) => q.exportPage(trx, kind, after, this.pageSize, wide));
        for (const r of page) {
          count++;
          yield this.exportRow(kind, r, opts.reveal !== undefined);
        }
        if (page.length < this.pageSize) break;
        after = String(page.at(-1)?.id);
      }
      complete = true;
    } finally {
      // Also when the reader stops half-way (a client that hung up): what left the system is on record either way.
      await this.db.run(caller, (trx) =>
        recordAudit(trx, {
          action: 'registry.export',
          objectType: kind,
          reason: opts.reveal?.reason ?? null,
          details: { kind, rows: count, unmasked: opts.reveal !== undefined, complete },
        }),
      );
    }
  }

  private exportRow(kind: RegistryKind, r: Record<string, unknown>, reveal: boolean): Record<string, string | number | null> {
    if (kind === 'persons') {
      const v = this.personView(r as unknown as q.PersonRow, reveal);
      return {
        id: v.id,
        name: v.name,
        idType: v.idType,
        idNumber: v.idNumber,
        gender: v.gender,
        birthDate: v.birthDate,
        phone: v.phone,
        residenceType: v.residenceType,
        careTags: v.careTags.join('、'),
        householdNumber: v.householdNumber,
        address: v.address,
        gridId: v.gridId,
      };
    }
    if (kind === 'organisations') {
      const p = presentPersonal(
        'organisation',
        { contactPhone: { masked: r.contactPhoneMasked as string | null, enc: r.contactPhoneEnc as string | null } },
        reveal ? { cipher: this.cipher } : null,
      );
      const { contactPhoneMasked: _m, contactPhoneEnc: _e, compounds, address, ...rest } = r;
      return { ...(rest as ExportRow), contactPhone: p.contactPhone ?? null, compounds: compounds as string, address: address as string | null };
    }
    if (kind === 'households') {
      const p = presentPersonal('household', { phone: { masked: r.phoneMasked as string | null, enc: r.phoneEnc as string | null } }, reveal ? { cipher: this.cipher } : null);
      const { phoneMasked: _m, phoneEnc: _e, ...rest } = r;
      return { ...(rest as Record<string, string | number | null>), phone: p.phone ?? null };
    }
    return r as Record<string, string | number | null>;
  }
}

const ERROR_REPORT_HEADER: Record<Locale, [string, string, string, string]> = {
  en: ['row', 'column', 'code', 'problem'],
  'zh-Hans': ['行号', '列', '代码', '问题'],
  'zh-Hant': ['列號', '欄位', '代碼', '問題'],
};

function decodeMissingCursor(cursor: string): q.MissingAfter {
  try {
    const v: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(v) && typeof v[0] === 'string' && typeof v[1] === 'string' && isUuid(v[1])) return { gridCode: v[0], id: v[1] };
  } catch {
    // Reported below.
  }
  throw new AppError('VALIDATION_FAILED', { field: 'cursor', params: { detail: 'cursor is not one this list gave' } });
}

export type { ImportCounts };
