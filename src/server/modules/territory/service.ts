import { sql } from 'kysely';
import { type Caller, systemCaller, type UserCaller } from '../../../db/caller.ts';
import type { Database } from '../../../db/database.ts';
import { gcj02ToWgs84 } from '../../../domain/gcj02.ts';
import { GridIndex, type MultiPolygonCoords } from '../../../domain/grid-index.ts';
import { isUuid } from '../../../domain/ids.ts';
import { AppError } from '../../errors.ts';
import type { Names } from '../../i18n.ts';
import { recordAudit } from '../audit/service.ts';
import { type ImportReport, parseFeatureCollection, validateAndApply } from './import.ts';
import * as store from './store.ts';

export interface NodeRef {
  id: string;
  code: string;
  level: string;
  names: Names;
}

export interface LocateResult {
  grid: NodeRef;
  ancestors: NodeRef[];
  point: { lat: number; lng: number };
}

function namesOf(r: { nameZhHant: string; nameZhHans: string; nameEn: string }): Names {
  return { 'zh-Hant': r.nameZhHant, 'zh-Hans': r.nameZhHans, en: r.nameEn };
}

export interface GeoJsonFeatureCollection {
  type: 'FeatureCollection';
  features: Array<{
    type: 'Feature';
    id: string;
    properties: Record<string, string | number | null>;
    geometry: unknown;
  }>;
}

export class TerritoryService {
  private gridIndex: GridIndex = GridIndex.build([]);
  private nodes = new Map<string, store.IndexNode>();
  private listeners: Array<() => void> = [];

  constructor(private readonly db: Database) {}

  index(): GridIndex {
    return this.gridIndex;
  }

  onChange(fn: () => void): void {
    this.listeners.push(fn);
  }

  /** Rebuilds the in-process routing index from the stored territory (a system job: it reads every grid). */
  async rebuildIndex(): Promise<void> {
    const nodes = await this.db.run(systemCaller('locate-index'), async (trx) => {
      const all = await store.nodesForIndex(trx);
      await recordAudit(trx, { action: 'job.run', details: { job: 'locate-index', nodes: all.length } });
      return all;
    });
    const grids = nodes
      .filter((n) => n.level === 'grid' && n.geometry)
      .map((n) => {
        const g = JSON.parse(n.geometry!) as { type: string; coordinates: unknown };
        const coords = (g.type === 'Polygon' ? [g.coordinates] : g.coordinates) as MultiPolygonCoords;
        return { id: n.id, code: n.code, geometry: coords };
      });
    this.gridIndex = GridIndex.build(grids);
    this.nodes = new Map(nodes.map((n) => [n.id, { ...n, geometry: null }]));
  }

  private ref(n: store.IndexNode): NodeRef {
    return { id: n.id, code: n.code, level: n.level, names: namesOf(n) };
  }

  private chain(id: string): NodeRef[] {
    const out: NodeRef[] = [];
    let cur = this.nodes.get(id);
    while (cur?.parentId) {
      cur = this.nodes.get(cur.parentId);
      if (cur) out.unshift(this.ref(cur));
    }
    return out;
  }

  districts(): NodeRef[] {
    return [...this.nodes.values()].filter((n) => n.level === 'district').map((n) => this.ref(n)).sort((a, b) => a.code.localeCompare(b.code));
  }

  /** Simplified district and street boundaries for public maps (through the public view: no personal data here). */
  async outline(locale: 'zh-Hant' | 'zh-Hans' | 'en'): Promise<GeoJsonFeatureCollection> {
    const rows = await this.db.run({ kind: 'public' }, async (trx) =>
      (await sql<{ id: string; code: string; level: string; zh_hant: string; zh_hans: string; en: string; g: string }>`
        select id, code, level, name_zh_hant as zh_hant, name_zh_hans as zh_hans, name_en as en,
          st_asgeojson(st_simplifypreservetopology(geom, 0.00005), 6) as g
        from public_jurisdiction where level in ('city', 'district', 'street') and geom is not null order by path`.execute(trx)).rows,
    );
    return {
      type: 'FeatureCollection',
      features: rows.map((r) => ({
        type: 'Feature',
        id: r.id,
        properties: { id: r.id, code: r.code, level: r.level, name: ({ 'zh-Hant': r.zh_hant, 'zh-Hans': r.zh_hans, en: r.en } as const)[locale] },
        geometry: JSON.parse(r.g),
      })),
    };
  }

  /** A current node and its ancestors, root first, from the in-process index. */
  locateById(id: string): NodeRef[] {
    const node = this.nodes.get(id);
    return node ? [...this.chain(id), this.ref(node)] : [];
  }

  pathOf(id: string): string {
    const node = this.nodes.get(id);
    if (!node) throw new AppError('JURISDICTION_NOT_FOUND', { field: 'id' });
    return node.path;
  }

  pathOfOrNull(id: string): string | null {
    return this.nodes.get(id)?.path ?? null;
  }

  codeOf(id: string): string {
    return this.nodes.get(id)?.code ?? '';
  }

  isLevel(id: string, level: string): boolean {
    return this.nodes.get(id)?.level === level;
  }

  isGrid(id: string): boolean {
    return this.isLevel(id, 'grid');
  }

  toWgs84(lat: number, lng: number, coordSys: 'wgs84' | 'gcj02'): [number, number] {
    return coordSys === 'gcj02' ? gcj02ToWgs84(lng, lat) : [lng, lat];
  }

  /** Point → grid and its ancestors, from the in-process index. Public: grids and their names are not personal. */
  locate(lat: number, lng: number, coordSys: 'wgs84' | 'gcj02' = 'wgs84'): LocateResult {
    const [x, y] = coordSys === 'gcj02' ? gcj02ToWgs84(lng, lat) : [lng, lat];
    const hit = this.gridIndex.locate(x, y);
    if (!hit) {
      const near = this.gridIndex.nearest(x, y, 1)[0];
      const node = near ? this.nodes.get(near.id) : undefined;
      throw new AppError('OUTSIDE_GRIDS', {
        field: 'lat',
        details: {
          nearest: node && near ? { ...this.ref(node), distanceMeters: Math.round(near.distanceMeters * 10) / 10 } : null,
        },
      });
    }
    const node = this.nodes.get(hit.id)!;
    return { grid: this.ref(node), ancestors: this.chain(hit.id), point: { lat: y, lng: x } };
  }

  list(caller: UserCaller, q: { parentId?: string; level?: string; limit: number; cursor?: string }) {
    let afterPath: string | undefined;
    if (q.cursor) {
      afterPath = Buffer.from(q.cursor, 'base64url').toString('utf8');
      if (!/^[a-z0-9_.]+$/.test(afterPath)) throw new AppError('VALIDATION_FAILED', { field: 'cursor', params: { detail: 'cursor is not valid' } });
    }
    if (q.parentId && !isUuid(q.parentId)) return Promise.resolve({ items: [], next: null });
    return this.db.run(caller, async (trx) => {
      const rows = await store.listJurisdictions(trx, { ...q, limit: q.limit + 1, afterPath });
      const more = rows.length > q.limit;
      const items = rows.slice(0, q.limit);
      const last = items.at(-1);
      return { items, next: more && last ? Buffer.from(last.path).toString('base64url') : null };
    });
  }

  async get(caller: UserCaller, id: string): Promise<store.JurisdictionRow> {
    if (!isUuid(id)) throw new AppError('JURISDICTION_NOT_FOUND', { field: 'id' });
    const row = await this.db.run(caller, (trx) => store.getJurisdiction(trx, id));
    if (!row) throw new AppError('JURISDICTION_NOT_FOUND', { field: 'id' });
    return row;
  }

  async exportGeoJson(caller: Caller, level?: string): Promise<GeoJsonFeatureCollection> {
    const rows = await this.db.run(caller, async (trx) => {
      const r = await store.featuresInScope(trx, level);
      await recordAudit(trx, { action: 'territory.export', details: { features: r.length } });
      return r;
    });
    return {
      type: 'FeatureCollection',
      features: rows.map((r) => ({
        type: 'Feature',
        id: r.id,
        properties: {
          id: r.id,
          code: r.code,
          level: r.level,
          name: r.nameZhHans,
          nameZhHant: r.nameZhHant,
          nameEn: r.nameEn,
          parentCode: r.parentCode,
          areaM2: r.areaM2 === null ? null : Math.round(r.areaM2 * 10) / 10,
        },
        geometry: r.geometry ? JSON.parse(r.geometry) : null,
      })),
    };
  }

  /**
   * Imports a GeoJSON FeatureCollection. Validation and writing happen in one transaction; any problem rolls it
   * back, so a bad file changes nothing. `dryRun` validates only.
   */
  async importGeoJson(caller: Caller, input: unknown, opts: { toleranceM2?: number; dryRun?: boolean } = {}): Promise<ImportReport> {
    const tol = opts.toleranceM2 ?? 1;
    const { features, problems } = parseFeatureCollection(input);
    if (problems.length > 0) {
      return { applied: false, features: features.length, toleranceM2: tol, created: 0, redrawn: 0, renamed: 0, unchanged: 0, problems };
    }
    const ROLLBACK = Symbol('rollback');
    let report: ImportReport | null = null;
    try {
      await this.db.run(caller, async (trx) => {
        report = await validateAndApply(trx, features, tol, !opts.dryRun);
        if (!report.applied) throw ROLLBACK;
        await recordAudit(trx, {
          action: 'territory.import',
          objectType: 'jurisdiction',
          details: { features: report.features, created: report.created, redrawn: report.redrawn, renamed: report.renamed },
        });
      });
    } catch (err) {
      if (err !== ROLLBACK) {
        if ((err as { code?: string }).code === '42501') throw new AppError('FORBIDDEN');
        throw err;
      }
    }
    const done = report as ImportReport | null;
    if (!done) throw new Error('import produced no report');
    if (done.applied) {
      await this.rebuildIndex();
      for (const fn of this.listeners) fn();
    }
    return done;
  }
}
