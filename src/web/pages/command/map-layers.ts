// The command map's sources and layers: child areas coloured by a figure, open cases as circles or as a heat map.
import type { ExpressionSpecification, GeoJSONSource, Map as MapLibreMap, StyleSpecification } from 'maplibre-gl';
import { OFFLINE_STYLE } from '../../components/map/map-base.ts';
import { collectionBbox } from '../territory/geo.ts';
import type { Bbox } from '../territory/geo.ts';
import type { TerritoryCollection } from '../../types.ts';
import { LIGHT_COLORS } from './map-model.ts';

export const AREAS = 'command-areas';
export const AREAS_FILL = 'command-areas-fill';
export const AREAS_LINE = 'command-areas-line';
export const AREAS_FOCUS = 'command-areas-focus';
export const CASES = 'command-cases';
export const CASES_CIRCLE = 'command-cases-circle';
export const CASES_HEAT = 'command-cases-heat';

export type CaseLayer = 'points' | 'heat';

const EMPTY = { type: 'FeatureCollection' as const, features: [] };

/** The offline style, darkened for the wall. */
export function commandStyle(dark: boolean): StyleSpecification {
  if (!dark) return OFFLINE_STYLE;
  return { ...OFFLINE_STYLE, layers: [{ id: 'background', type: 'background', paint: { 'background-color': '#0b1526' } }] };
}

const lightColor = ['match', ['get', 'l'], 1, LIGHT_COLORS[1], 2, LIGHT_COLORS[2], 3, LIGHT_COLORS[3], LIGHT_COLORS[0]] as unknown as ExpressionSpecification;
// Red on top, parked underneath: the overdue cases must never hide under the others.
const lightRank = ['match', ['get', 'l'], 2, 3, 1, 2, 0, 1, 0] as unknown as ExpressionSpecification;

export function addCommandLayers(map: MapLibreMap, dark: boolean): void {
  if (map.getSource(AREAS)) return;
  map.addSource(AREAS, { type: 'geojson', data: EMPTY });
  // Plain circles (no clustering): a GeoJSON source is tiled in a worker, which draws 100,000 points smoothly.
  map.addSource(CASES, { type: 'geojson', data: EMPTY, buffer: 16, tolerance: 0.5 });
  // A wash, not a wall of colour: the case points on top must stay readable.
  map.addLayer({ id: AREAS_FILL, type: 'fill', source: AREAS, paint: { 'fill-color': ['get', 'color'], 'fill-opacity': dark ? 0.3 : 0.4 } });
  map.addLayer({
    id: AREAS_LINE,
    type: 'line',
    source: AREAS,
    layout: { 'line-join': 'round' },
    paint: { 'line-color': dark ? '#9fb3d1' : '#334155', 'line-width': 1.2 },
  });
  // At a grid the map shows its siblings for orientation and outlines the grid itself.
  map.addLayer({
    id: AREAS_FOCUS,
    type: 'line',
    source: AREAS,
    filter: ['==', ['get', 'id'], ''],
    layout: { 'line-join': 'round' },
    paint: { 'line-color': dark ? '#fbbf24' : '#b45309', 'line-width': 3 },
  });
  map.addLayer({
    id: CASES_HEAT,
    type: 'heatmap',
    source: CASES,
    layout: { visibility: 'none' },
    paint: {
      // Overdue cases weigh most: the heat shows where trouble gathers, not just where people report.
      'heatmap-weight': ['match', ['get', 'l'], 2, 1, 1, 0.6, 0.3] as unknown as ExpressionSpecification,
      'heatmap-radius': ['interpolate', ['linear'], ['zoom'], 9, 8, 15, 24],
      'heatmap-opacity': 0.8,
    },
  });
  map.addLayer({
    id: CASES_CIRCLE,
    type: 'circle',
    source: CASES,
    layout: { 'circle-sort-key': lightRank },
    paint: {
      'circle-color': lightColor,
      'circle-radius': ['interpolate', ['linear'], ['zoom'], 9, 1.8, 13, 3.5, 17, 7],
      'circle-stroke-color': dark ? '#0b1526' : '#ffffff',
      'circle-stroke-width': ['interpolate', ['linear'], ['zoom'], 11, 0, 14, 1],
    },
  });
}

/** Outlines one area (the grid shown) and quiets the fills of the others; null restores the choropleth. */
export function setFocus(map: MapLibreMap, focusId: string | null, dark: boolean): void {
  if (!map.getLayer(AREAS_FOCUS)) return;
  map.setFilter(AREAS_FOCUS, ['==', ['get', 'id'], focusId ?? '']);
  map.setPaintProperty(AREAS_FILL, 'fill-opacity', focusId ? 0.06 : dark ? 0.3 : 0.4);
}

/**
 * The heat map's intensity for a number of points: weights add up, so 100,000 points at full weight would paint the
 * whole city red. Scaled so that about 1,500 points give full intensity, more give proportionally less, down to a
 * tenth: below that a GPU without half-float textures rounds each point's share away and the heat vanishes.
 */
export function heatIntensity(points: number): number {
  return Math.min(1, Math.max(0.1, 1500 / Math.max(points, 1)));
}

export function setHeatScale(map: MapLibreMap, points: number): void {
  if (!map.getLayer(CASES_HEAT)) return;
  const k = heatIntensity(points);
  // Zoomed in, fewer points share the screen: the heat may grow with the zoom.
  map.setPaintProperty(CASES_HEAT, 'heatmap-intensity', ['interpolate', ['linear'], ['zoom'], 9, k, 16, Math.min(3, k * 3)]);
}

export function setCaseLayer(map: MapLibreMap, layer: CaseLayer): void {
  if (!map.getLayer(CASES_CIRCLE)) return;
  map.setLayoutProperty(CASES_HEAT, 'visibility', layer === 'heat' ? 'visible' : 'none');
  map.setLayoutProperty(CASES_CIRCLE, 'visibility', layer === 'points' ? 'visible' : 'none');
}

export function setSourceData(map: MapLibreMap, id: string, data: unknown): void {
  map.getSource<GeoJSONSource>(id)?.setData(data as Parameters<GeoJSONSource['setData']>[0]);
}

export function updateSourceData(map: MapLibreMap, id: string, diff: unknown): void {
  map.getSource<GeoJSONSource>(id)?.updateData(diff as Parameters<GeoJSONSource['updateData']>[0]);
}

export function shapesBbox(collection: { features: unknown[] }): Bbox | null {
  return collectionBbox(collection as TerritoryCollection);
}
