import type { TFunction } from 'i18next';
import type { ExpressionSpecification, GeoJSONSource, Map as MapLibreMap, MapOptions, StyleSpecification } from 'maplibre-gl';
import { type Bbox, collectionBbox, LEVEL_STYLE } from '../../pages/territory/geo.ts';
import { LEVELS, type TerritoryCollection } from '../../types.ts';

// With no basemap configured the map needs nothing from the network: one background layer, no glyphs, no sprites.
export const OFFLINE_STYLE: StyleSpecification = {
  version: 8,
  sources: {},
  layers: [{ id: 'background', type: 'background', paint: { 'background-color': '#e9edf2' } }],
};

/**
 * Where a map with nothing to fit starts when the public outline (/api/territory/outline) could not be had:
 * the demo city's centre (Dongcheng, Beijing).
 */
export const FALLBACK_CENTER: [number, number] = [116.416, 39.928];

export function mapLocale(t: TFunction): MapOptions['locale'] {
  return {
    'Map.Title': t('map.title'),
    'Marker.Title': t('map.marker'),
    'NavigationControl.ZoomIn': t('map.zoomIn'),
    'NavigationControl.ZoomOut': t('map.zoomOut'),
    'NavigationControl.ResetBearing': t('map.resetBearing'),
    'AttributionControl.ToggleAttribution': t('map.toggleAttribution'),
    'LogoControl.Title': t('map.logo'),
    'CooperativeGesturesHandler.WindowsHelpText': t('map.cooperativeDesk'),
    'CooperativeGesturesHandler.MacHelpText': t('map.cooperativeMac'),
    'CooperativeGesturesHandler.MobileHelpText': t('map.cooperativePhone'),
  };
}

/** Names the canvas and the zoom buttons in the current language (MapLibre reads its locale only once). */
export function labelMap(map: MapLibreMap, t: TFunction, title: string): void {
  map.getCanvas().setAttribute('aria-label', title);
  const label = (selector: string, text: string) => {
    const el = map.getContainer().querySelector(selector);
    if (el) {
      el.setAttribute('aria-label', text);
      el.setAttribute('title', text);
    }
  };
  label('.maplibregl-ctrl-zoom-in', t('map.zoomIn'));
  label('.maplibregl-ctrl-zoom-out', t('map.zoomOut'));
}

const OUTLINE = 'outline';

function byLevel(pick: (level: (typeof LEVELS)[number]) => string | number, fallback: string | number) {
  return ['match', ['get', 'level'], ...LEVELS.flatMap((l) => [l, pick(l)]), fallback] as unknown as ExpressionSpecification;
}

/** Draws jurisdiction outlines for orientation (with or without a basemap): light fills, thin lines coloured by level. */
export function drawOutline(map: MapLibreMap, collection: TerritoryCollection): void {
  const existing = map.getSource(OUTLINE);
  if (existing) {
    // Another language brings the same shapes with other names.
    if (existing.type === 'geojson') (existing as GeoJSONSource).setData(collection);
    return;
  }
  map.addSource(OUTLINE, { type: 'geojson', data: collection });
  map.addLayer({
    id: `${OUTLINE}-fill`,
    type: 'fill',
    source: OUTLINE,
    paint: {
      'fill-color': byLevel((l) => LEVEL_STYLE[l].color, '#64748b'),
      // A light wash: the stacked city, district and street fills stay well under a tenth.
      'fill-opacity': byLevel((l) => Math.max(LEVEL_STYLE[l].fillOpacity, 0.02), 0.03),
    },
  });
  map.addLayer({
    id: `${OUTLINE}-line`,
    type: 'line',
    source: OUTLINE,
    layout: { 'line-join': 'round' },
    paint: {
      'line-color': byLevel((l) => LEVEL_STYLE[l].color, '#64748b'),
      // Thinner than on the territory page: here the outline is background to the pin.
      'line-width': byLevel((l) => Math.max(LEVEL_STYLE[l].lineWidth / 2, 0.75), 1),
    },
  });
}

/** The city's bounds: the city feature's when the outline has one, else those of everything in it. */
export function outlineBounds(collection: TerritoryCollection | undefined): Bbox | null {
  if (!collection) return null;
  const city = collection.features.filter((f) => f.properties.level === 'city');
  return collectionBbox(city.length > 0 ? { type: 'FeatureCollection', features: city } : collection);
}

export const FIT_OPTIONS = { padding: 24, maxZoom: 16 } as const;

export function fitOutline(map: MapLibreMap, collection: TerritoryCollection): boolean {
  const bbox = outlineBounds(collection);
  if (!bbox) return false;
  map.fitBounds(bbox, { ...FIT_OPTIONS, animate: false });
  return true;
}

export function prefersReducedMotion(): boolean {
  return window.matchMedia('(prefers-reduced-motion: reduce)').matches;
}
