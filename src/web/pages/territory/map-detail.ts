/**
 * Basic data on the territory map: every component and every building centroid of the caller's scope, loaded once as
 * compact arrays into clustered GeoJSON sources (MapLibre clusters them in its worker, so 100,000 points stay smooth),
 * and building footprints at street zoom, asked for by the box in view (vector tiles would need ST_AsMVT, which the
 * embedded PGlite's PostGIS lacks).
 */
import type { ExpressionSpecification, GeoJSONSource, Map as MapLibreMap, MapLayerMouseEvent } from 'maplibre-gl';
import { type RefObject, useEffect, useState } from 'react';
import { apiGet, withQuery } from '../../api.ts';

/** From this zoom on the clustered points are drawn (and loaded, one zoom level ahead). */
export const POINTS_ZOOM = 13;
/** From this zoom on buildings are drawn as their footprints, in place of their clustered centroids. */
export const FOOTPRINT_ZOOM = 16;
/** Footprints per request: generous for a street-level view; beyond it the map asks to zoom in. */
export const FOOTPRINT_LIMIT = 8000;

interface PointsAnswer {
  layer: 'buildings' | 'components';
  categories: string[];
  points: Array<[number, number, number]>;
}

interface FootprintAnswer {
  type: 'FeatureCollection';
  truncated: boolean;
  features: Array<{ type: 'Feature'; geometry: unknown; properties: Record<string, unknown> }>;
}

export interface MapDetail {
  /** Points loaded into the clustered sources; null until loaded. */
  components: number | null;
  buildingPoints: number | null;
  /** Footprints in view at street zoom; null below it. */
  footprints: number | null;
  truncated: boolean;
  failed: boolean;
}

const EMPTY = { type: 'FeatureCollection' as const, features: [] };

/** [lng, lat, category] arrays as GeoJSON points whose property `c` is the category's index. */
export function pointCollection(points: ReadonlyArray<readonly [number, number, number]>) {
  return {
    type: 'FeatureCollection' as const,
    features: points.map(([lng, lat, c]) => ({ type: 'Feature' as const, properties: { c }, geometry: { type: 'Point' as const, coordinates: [lng, lat] } })),
  };
}

/** Colours of component statuses, by the index the server gives (intact, damaged, missing, occupied, abandoned). */
export const COMPONENT_COLORS = ['#6d28d9', '#dc2626', '#d97706', '#0e7490', '#475569'] as const;

const clusterRadius = ['step', ['get', 'point_count'], 9, 50, 13, 500, 18, 5000, 24] as unknown as ExpressionSpecification;

function install(map: MapLibreMap): void {
  if (map.getSource('components')) return;
  map.addSource('building-points', { type: 'geojson', data: EMPTY, cluster: true, clusterRadius: 40, clusterMaxZoom: FOOTPRINT_ZOOM - 1 });
  map.addSource('components', { type: 'geojson', data: EMPTY, cluster: true, clusterRadius: 40, clusterMaxZoom: 16 });
  map.addSource('buildings', { type: 'geojson', data: EMPTY });
  const pointRange = { minzoom: POINTS_ZOOM };
  map.addLayer({
    id: 'building-clusters',
    type: 'circle',
    source: 'building-points',
    filter: ['has', 'point_count'],
    ...pointRange,
    maxzoom: FOOTPRINT_ZOOM,
    paint: { 'circle-radius': clusterRadius, 'circle-color': '#475569', 'circle-opacity': 0.55, 'circle-stroke-color': '#ffffff', 'circle-stroke-width': 1 },
  });
  map.addLayer({
    id: 'building-points',
    type: 'circle',
    source: 'building-points',
    filter: ['!', ['has', 'point_count']],
    ...pointRange,
    maxzoom: FOOTPRINT_ZOOM,
    paint: { 'circle-radius': 3, 'circle-color': '#475569', 'circle-stroke-color': '#ffffff', 'circle-stroke-width': 1 },
  });
  map.addLayer({ id: 'buildings-fill', type: 'fill', source: 'buildings', minzoom: FOOTPRINT_ZOOM, paint: { 'fill-color': '#475569', 'fill-opacity': 0.45 } });
  map.addLayer({ id: 'buildings-line', type: 'line', source: 'buildings', minzoom: FOOTPRINT_ZOOM, paint: { 'line-color': '#1e293b', 'line-width': 1 } });
  map.addLayer({
    id: 'component-clusters',
    type: 'circle',
    source: 'components',
    filter: ['has', 'point_count'],
    ...pointRange,
    paint: { 'circle-radius': clusterRadius, 'circle-color': '#6d28d9', 'circle-opacity': 0.6, 'circle-stroke-color': '#ffffff', 'circle-stroke-width': 1 },
  });
  map.addLayer({
    id: 'component-points',
    type: 'circle',
    source: 'components',
    filter: ['!', ['has', 'point_count']],
    ...pointRange,
    paint: {
      'circle-radius': 4,
      'circle-color': ['match', ['get', 'c'], ...COMPONENT_COLORS.flatMap((color, i) => [i, color]), '#6d28d9'] as unknown as ExpressionSpecification,
      'circle-stroke-color': '#ffffff',
      'circle-stroke-width': 1,
    },
  });
  // A click on a cluster zooms to where it splits.
  for (const [layer, source] of [
    ['component-clusters', 'components'],
    ['building-clusters', 'building-points'],
  ] as const) {
    map.on('click', layer, (e: MapLayerMouseEvent) => {
      const f = e.features?.[0];
      const id = f?.properties.cluster_id;
      if (!f || typeof id !== 'number' || f.geometry.type !== 'Point') return;
      const center = f.geometry.coordinates as [number, number];
      void map
        .getSource<GeoJSONSource>(source)
        ?.getClusterExpansionZoom(id)
        .then((zoom) => map.easeTo({ center, zoom }));
    });
  }
}

/**
 * Adds the layers once the map has loaded, loads the points the first time the map comes near `POINTS_ZOOM`, and asks
 * for the footprints in view after each move at street zoom. Hands the map to browser tests that ask for it.
 */
export function useMapDetail(mapRef: RefObject<MapLibreMap | null>, loaded: boolean, enabled: boolean): MapDetail | null {
  const [detail, setDetail] = useState<MapDetail | null>(null);
  useEffect(() => {
    const map = mapRef.current;
    if (!map || !loaded || !enabled) return;
    install(map);
    if (window.__GRIDLOOP_TEST_HOOKS__) window.__gridloopMap = map;
    let state: MapDetail = { components: null, buildingPoints: null, footprints: null, truncated: false, failed: false };
    const publish = (next: Partial<MapDetail>) => {
      state = { ...state, ...next };
      setDetail(state);
    };
    publish({});
    const controller = new AbortController();
    let pointsAsked = false;
    let footprints: AbortController | null = null;

    const loadPoints = async () => {
      pointsAsked = true;
      try {
        const [components, buildings] = await Promise.all([
          apiGet<PointsAnswer>(withQuery('/api/map/points', { layer: 'components' }), controller.signal),
          apiGet<PointsAnswer>(withQuery('/api/map/points', { layer: 'buildings' }), controller.signal),
        ]);
        if (controller.signal.aborted || mapRef.current !== map) return;
        map.getSource<GeoJSONSource>('components')?.setData(pointCollection(components.points));
        map.getSource<GeoJSONSource>('building-points')?.setData(pointCollection(buildings.points));
        publish({ components: components.points.length, buildingPoints: buildings.points.length });
      } catch {
        if (!controller.signal.aborted) publish({ failed: true });
        pointsAsked = false;
      }
    };

    const refresh = async () => {
      const zoom = map.getZoom();
      if (!pointsAsked && zoom >= POINTS_ZOOM - 1) void loadPoints();
      footprints?.abort();
      footprints = null;
      if (zoom < FOOTPRINT_ZOOM) {
        if (state.footprints !== null) publish({ footprints: null, truncated: false });
        return;
      }
      const own = new AbortController();
      footprints = own;
      const b = map.getBounds();
      const bbox = [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()].map((n) => n.toFixed(6)).join(',');
      try {
        const answer = await apiGet<FootprintAnswer>(withQuery('/api/map/buildings', { bbox, limit: FOOTPRINT_LIMIT }), own.signal);
        if (own.signal.aborted || mapRef.current !== map) return;
        map.getSource<GeoJSONSource>('buildings')?.setData(answer);
        publish({ footprints: answer.features.length, truncated: answer.truncated });
      } catch {
        if (!own.signal.aborted) publish({ failed: true });
      }
    };
    map.on('moveend', refresh);
    void refresh();
    return () => {
      map.off('moveend', refresh);
      controller.abort();
      footprints?.abort();
    };
  }, [mapRef, loaded, enabled]);
  return detail;
}

declare global {
  interface Window {
    /** Set by browser tests before the app loads: the territory map then hands itself to `__gridloopMap`. */
    __GRIDLOOP_TEST_HOOKS__?: boolean;
    __gridloopMap?: MapLibreMap;
  }
}
