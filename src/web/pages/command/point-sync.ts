// Keeps the map's case source in step with /api/command/points. The first answer (and any answer that changes most
// points, such as another node) replaces the data; a live refresh sends only the points that appeared, went or
// changed light, so that 100,000 points do not travel to the map's worker every two seconds.
import type { CasePoint } from './command-types.ts';
import { lightOf, type PointCollection, type PointFeature, pointFeature, validLngLat } from './map-model.ts';

export interface PointDiff {
  remove: number[];
  add: PointFeature[];
  update: Array<{ id: number; newGeometry?: PointFeature['geometry']; addOrUpdateProperties?: Array<{ key: 'l'; value: number }> }>;
}

export type PointUpdate = { kind: 'full'; data: PointCollection } | { kind: 'diff'; diff: PointDiff } | { kind: 'none' };

/** Above this share of changed points a full replacement is cheaper than a diff. */
export const FULL_REPLACE_SHARE = 0.5;

export class PointSync {
  /** Case id → feature id, stable for the life of the map (the GeoJSON diff addresses features by id). */
  private readonly featureOf = new Map<string, number>();
  private readonly caseOf: string[] = [];
  private held = new Map<number, CasePoint>();
  private loaded = false;

  /** Points the source holds. */
  get size(): number {
    return this.held.size;
  }

  /** The case behind a feature of the source (for a click). */
  caseId(featureId: number): string | undefined {
    return this.caseOf[featureId];
  }

  /** The map was made anew: the next answer fills it whole. */
  reset(): void {
    this.loaded = false;
    this.held = new Map();
  }

  private featureId(caseId: string): number {
    let id = this.featureOf.get(caseId);
    if (id === undefined) {
      id = this.caseOf.length;
      this.caseOf.push(caseId);
      this.featureOf.set(caseId, id);
    }
    return id;
  }

  next(points: readonly CasePoint[], ids: readonly string[]): PointUpdate {
    const next = new Map<number, CasePoint>();
    for (let i = 0; i < points.length; i++) {
      const p = points[i];
      const caseId = ids[i];
      if (!p || caseId === undefined || !validLngLat(p[0], p[1])) continue;
      next.set(this.featureId(caseId), p);
    }
    const previous = this.held;
    this.held = next;
    if (!this.loaded) {
      this.loaded = true;
      return { kind: 'full', data: collectionOf(next) };
    }
    const diff: PointDiff = { remove: [], add: [], update: [] };
    for (const id of previous.keys()) if (!next.has(id)) diff.remove.push(id);
    for (const [id, p] of next) {
      const before = previous.get(id);
      if (!before) {
        diff.add.push(pointFeature(id, p));
        continue;
      }
      const moved = before[0] !== p[0] || before[1] !== p[1];
      const relit = lightOf(before) !== lightOf(p);
      if (!moved && !relit) continue;
      diff.update.push({
        id,
        ...(moved ? { newGeometry: pointFeature(id, p).geometry } : {}),
        ...(relit ? { addOrUpdateProperties: [{ key: 'l' as const, value: lightOf(p) }] } : {}),
      });
    }
    const changes = diff.remove.length + diff.add.length + diff.update.length;
    if (changes === 0) return { kind: 'none' };
    if (changes > FULL_REPLACE_SHARE * Math.max(next.size, previous.size)) return { kind: 'full', data: collectionOf(next) };
    return { kind: 'diff', diff };
  }
}

function collectionOf(points: ReadonlyMap<number, CasePoint>): PointCollection {
  const features: PointFeature[] = [];
  for (const [id, p] of points) features.push(pointFeature(id, p));
  return { type: 'FeatureCollection', features };
}
