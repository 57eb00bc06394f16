import type { Level, Position, TerritoryCollection, TerritoryFeature } from '../../types.ts';

/** [west, south, east, north] */
export type Bbox = [number, number, number, number];

export function emptyBbox(): Bbox {
  return [Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, Number.NEGATIVE_INFINITY];
}

function extend(b: Bbox, p: Position): void {
  const [x, y] = p;
  if (x === undefined || y === undefined) return;
  if (x < b[0]) b[0] = x;
  if (y < b[1]) b[1] = y;
  if (x > b[2]) b[2] = x;
  if (y > b[3]) b[3] = y;
}

export function featureBbox(feature: TerritoryFeature, into: Bbox = emptyBbox()): Bbox {
  const g = feature.geometry;
  const polygons = g.type === 'Polygon' ? [g.coordinates] : g.coordinates;
  for (const polygon of polygons) {
    // The outer ring bounds the polygon; holes lie inside it.
    for (const p of polygon[0] ?? []) extend(into, p);
  }
  return into;
}

export function collectionBbox(collection: TerritoryCollection): Bbox | null {
  const b = emptyBbox();
  for (const f of collection.features) featureBbox(f, b);
  return Number.isFinite(b[0]) ? b : null;
}

/** Depth of a level: deeper levels are drawn above and win a click. */
export const LEVEL_RANK: Record<Level, number> = {
  city: 0,
  district: 1,
  street: 2,
  community: 3,
  grid: 4,
  compound: 5,
};

export interface LevelStyle {
  color: string;
  fillOpacity: number;
  lineWidth: number;
}

// Outer levels are drawn as outlines with a faint wash; grids carry the visible fill.
export const LEVEL_STYLE: Record<Level, LevelStyle> = {
  city: { color: '#475569', fillOpacity: 0, lineWidth: 3 },
  district: { color: '#6d28d9', fillOpacity: 0.03, lineWidth: 2.5 },
  street: { color: '#1d4ed8', fillOpacity: 0.04, lineWidth: 2 },
  community: { color: '#0e7490', fillOpacity: 0.05, lineWidth: 1.5 },
  grid: { color: '#15803d', fillOpacity: 0.14, lineWidth: 0.8 },
  compound: { color: '#b45309', fillOpacity: 0.22, lineWidth: 0.8 },
};

export const SELECTED_COLOR = '#f59e0b';

/** Picks the deepest feature among those under the pointer. */
export function deepest<T extends { level: Level }>(candidates: readonly T[]): T | undefined {
  let best: T | undefined;
  for (const c of candidates) if (!best || LEVEL_RANK[c.level] > LEVEL_RANK[best.level]) best = c;
  return best;
}
