// Pure logic of the command map: compact case points into GeoJSON, choropleth classes of child nodes.
import type { Bbox } from '../territory/geo.ts';
import type { CasePoint, ChildSummary, LightCode, Shapes } from './command-types.ts';

export const LIGHT_CODES = [0, 1, 2, 3] as const;
export const LIGHT_NAMES = ['green', 'yellow', 'red', 'parked'] as const satisfies Record<LightCode, string>;
/** Traffic-light colours, dark enough to read against the light and the dark map backgrounds alike. */
export const LIGHT_COLORS = ['#2f9e44', '#e0a800', '#d63031', '#7c8797'] as const satisfies Record<LightCode, string>;

export interface PointProperties {
  /** The light code: a short key keeps 100,000 features light. */
  l: number;
}

export interface PointFeature {
  type: 'Feature';
  id: number;
  geometry: { type: 'Point'; coordinates: [number, number] };
  properties: PointProperties;
}

export interface PointCollection {
  type: 'FeatureCollection';
  features: PointFeature[];
}

export function isLight(n: number): n is LightCode {
  return n === 0 || n === 1 || n === 2 || n === 3;
}

export function validLngLat(lng: number, lat: number): boolean {
  return Number.isFinite(lng) && Number.isFinite(lat) && Math.abs(lng) <= 180 && Math.abs(lat) <= 90;
}

/** An unknown light reads green: a point is never dropped for a code the client does not know yet. */
export function lightOf(p: CasePoint): LightCode {
  return isLight(p[2]) ? p[2] : 0;
}

export function pointFeature(id: number, p: CasePoint): PointFeature {
  return { type: 'Feature', id, geometry: { type: 'Point', coordinates: [p[0], p[1]] }, properties: { l: lightOf(p) } };
}

/** Open cases per light: [green, yellow, red, parked]. */
export function countByLight(points: readonly CasePoint[]): [number, number, number, number] {
  const out: [number, number, number, number] = [0, 0, 0, 0];
  for (const p of points) {
    out[lightOf(p)]++;
  }
  return out;
}

export function pointsBbox(points: readonly CasePoint[]): Bbox | null {
  const b: Bbox = [Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, Number.NEGATIVE_INFINITY];
  for (const [lng, lat] of points) {
    if (!validLngLat(lng, lat)) continue;
    if (lng < b[0]) b[0] = lng;
    if (lat < b[1]) b[1] = lat;
    if (lng > b[2]) b[2] = lng;
    if (lat > b[3]) b[3] = lat;
  }
  return Number.isFinite(b[0]) ? b : null;
}

// ---------- choropleth ----------

export const CHOROPLETH_METRICS = ['open', 'overdue'] as const;
export type ChoroplethMetric = (typeof CHOROPLETH_METRICS)[number];

/** A sequential ramp, light to dark; zero has its own pale class so that "nothing open" is never confused with "few". */
export const ZERO_COLOR = '#eef2f7';
export const CHOROPLETH_COLORS = ['#fde2c4', '#f9b37a', '#ef7d45', '#d4472a', '#9c1c1c'] as const;
export const NO_DATA_COLOR = '#9aa5b4';

/**
 * Upper bounds of the classes of positive values (quantiles, then deduplicated): values ≤ breaks[0] fall in the
 * first class, and so on; the last break is the maximum. Fewer distinct values give fewer classes.
 */
export function classBreaks(values: readonly number[], classes: number = CHOROPLETH_COLORS.length): number[] {
  const positive = values.filter((v) => Number.isFinite(v) && v > 0).sort((a, b) => a - b);
  if (positive.length === 0) return [];
  const breaks: number[] = [];
  for (let k = 1; k <= classes; k++) {
    const at = Math.ceil((k / classes) * positive.length) - 1;
    const v = positive[Math.min(Math.max(at, 0), positive.length - 1)] as number;
    if (breaks.length === 0 || v > (breaks[breaks.length - 1] as number)) breaks.push(v);
  }
  return breaks;
}

/** The class of a value: -1 for zero (or less), else the index of the first break it does not exceed. */
export function classOf(value: number, breaks: readonly number[]): number {
  if (!(value > 0)) return -1;
  for (let i = 0; i < breaks.length; i++) if (value <= (breaks[i] as number)) return i;
  return breaks.length - 1;
}

export function classColor(cls: number, classCount: number): string {
  if (cls < 0) return ZERO_COLOR;
  // Few classes spread over the ramp, so that two classes are never two neighbouring shades.
  const ramp = CHOROPLETH_COLORS.length;
  const at = classCount <= 1 ? ramp - 1 : Math.round((cls * (ramp - 1)) / (classCount - 1));
  return CHOROPLETH_COLORS[at] as string;
}

export interface LegendClass {
  min: number;
  max: number;
  color: string;
}

/** The legend: the zero class, then one class per break with its range of whole numbers. */
export function legendClasses(breaks: readonly number[]): LegendClass[] {
  const out: LegendClass[] = [{ min: 0, max: 0, color: ZERO_COLOR }];
  let lower = 1;
  breaks.forEach((b, i) => {
    out.push({ min: lower, max: b, color: classColor(i, breaks.length) });
    lower = Math.floor(b) + 1;
  });
  return out;
}

export interface ChoroplethFeature {
  type: 'Feature';
  geometry: Shapes['features'][number]['geometry'];
  properties: Shapes['features'][number]['properties'] & { value: number | null; color: string };
}

/**
 * Joins the child outlines to the summary's children by id: each shape gets the metric's value and the colour of its
 * class; a shape without a figure is grey.
 */
export function joinChoropleth(
  shapes: Shapes,
  children: readonly ChildSummary[],
  metric: ChoroplethMetric,
): { collection: { type: 'FeatureCollection'; features: ChoroplethFeature[] }; breaks: number[] } {
  const byId = new Map(children.map((c) => [c.node.id, c[metric]]));
  const breaks = classBreaks([...byId.values()]);
  const features = shapes.features.map((f): ChoroplethFeature => {
    const value = byId.get(f.properties.id);
    const color = value === undefined ? NO_DATA_COLOR : classColor(classOf(value, breaks), breaks.length);
    return { type: 'Feature', geometry: f.geometry, properties: { ...f.properties, value: value ?? null, color } };
  });
  return { collection: { type: 'FeatureCollection', features }, breaks };
}
