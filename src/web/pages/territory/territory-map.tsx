import 'maplibre-gl/dist/maplibre-gl.css';
import {
  type ExpressionSpecification,
  type FilterSpecification,
  type GeoJSONSource,
  Map as MapLibreMap,
  type MapLayerMouseEvent,
  NavigationControl,
  type StyleSpecification,
} from 'maplibre-gl';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { isLevel, LEVELS, type TerritoryCollection } from '../../types.ts';
import { type Bbox, collectionBbox, deepest, featureBbox, LEVEL_RANK, LEVEL_STYLE, SELECTED_COLOR } from './geo.ts';
import { FOOTPRINT_ZOOM, type MapDetail, useMapDetail } from './map-detail.ts';

const SOURCE = 'territory';
const FILL = 'territory-fill';
const LINE = 'territory-line';
const SELECTED_FILL = 'territory-selected-fill';
const SELECTED_LINE = 'territory-selected-line';
const NONE = '\u0000none';

// With no basemap configured the map needs nothing from the network: one background layer, no glyphs, no sprites.
const OFFLINE_STYLE: StyleSpecification = {
  version: 8,
  sources: {},
  layers: [{ id: 'background', type: 'background', paint: { 'background-color': '#e9edf2' } }],
};

function byLevel(pick: (level: (typeof LEVELS)[number]) => string | number, fallback: string | number) {
  const cases = LEVELS.flatMap((level) => [level, pick(level)]);
  return ['match', ['get', 'level'], ...cases, fallback] as unknown as ExpressionSpecification;
}

function selectedFilter(id: string | null): FilterSpecification {
  return ['==', ['get', 'id'], id ?? NONE];
}

/** Room around a fitted shape, keeping it clear of a panel that covers the map's right side. */
function fitPadding(map: MapLibreMap, coveredRight: number) {
  const padding = { top: 40, bottom: 40, left: 40, right: 40 + coveredRight };
  // A narrow map cannot spare the room: then the panel simply overlaps.
  if (map.getCanvas().clientWidth - padding.left - padding.right < 200) padding.right = 40;
  return padding;
}

export interface ZoomRequest {
  id: string;
  /** Changes on every request, so that asking twice for the same node zooms twice. */
  serial: number;
}

interface TerritoryMapProps {
  collection: TerritoryCollection;
  /** Pixels on the right that a panel covers: zooming keeps the polygon clear of it. */
  coveredRight: number;
  basemapStyleUrl: string | null;
  selectedId: string | null;
  zoomRequest: ZoomRequest | null;
  onSelect: (id: string) => void;
  /** Colours by jurisdiction id (the completeness layer); null: coloured by level. */
  choropleth?: ReadonlyMap<string, string> | null;
  /** Draw buildings and components (roles that may read basic data): clustered points, footprints at street zoom. */
  showDetail?: boolean;
}

export function TerritoryMap({
  collection,
  coveredRight,
  basemapStyleUrl,
  selectedId,
  zoomRequest,
  onSelect,
  choropleth = null,
  showDetail = false,
}: TerritoryMapProps) {
  const { t } = useTranslation();
  const containerRef = useRef<HTMLDivElement>(null);
  const mapRef = useRef<MapLibreMap | null>(null);
  const onSelectRef = useRef(onSelect);
  onSelectRef.current = onSelect;
  const coveredRightRef = useRef(coveredRight);
  coveredRightRef.current = coveredRight;
  const [loaded, setLoaded] = useState(false);
  const [failed, setFailed] = useState(false);
  const [renderedCount, setRenderedCount] = useState<number | null>(null);
  const detail = useMapDetail(mapRef, loaded, showDetail);

  // Create the map once; data, selection and labels are applied by the effects below.
  // biome-ignore lint/correctness/useExhaustiveDependencies: the map lives as long as the component; t and onSelect are read at creation or through refs
  useEffect(() => {
    const container = containerRef.current;
    if (!container) return;
    let map: MapLibreMap;
    try {
      map = new MapLibreMap({
        container,
        style: basemapStyleUrl ?? OFFLINE_STYLE,
        center: [116.4, 39.91],
        zoom: 11,
        dragRotate: false,
        pitchWithRotate: false,
        touchPitch: false,
        attributionControl: basemapStyleUrl ? { compact: true } : false,
        maplibreLogo: false,
        fadeDuration: 0,
        locale: {
          'Map.Title': t('map.title'),
          'NavigationControl.ZoomIn': t('map.zoomIn'),
          'NavigationControl.ZoomOut': t('map.zoomOut'),
          'NavigationControl.ResetBearing': t('map.resetBearing'),
          'AttributionControl.ToggleAttribution': t('map.toggleAttribution'),
          'LogoControl.Title': t('map.logo'),
        },
      });
    } catch {
      // No WebGL: the tree stays as the full alternative.
      setFailed(true);
      return;
    }
    map.touchZoomRotate.disableRotation();
    map.keyboard.disableRotation();
    map.addControl(new NavigationControl({ showCompass: false }), 'top-left');
    map.on('load', () => setLoaded(true));
    map.on('click', FILL, (e: MapLayerMouseEvent) => {
      const hits = (e.features ?? []).flatMap((f) => {
        const level = f.properties.level;
        const id = f.properties.id;
        return isLevel(level) && typeof id === 'string' ? [{ id, level }] : [];
      });
      const hit = deepest(hits);
      if (hit) onSelectRef.current(hit.id);
    });
    map.on('mouseenter', FILL, () => {
      map.getCanvas().style.cursor = 'pointer';
    });
    map.on('mouseleave', FILL, () => {
      map.getCanvas().style.cursor = '';
    });
    mapRef.current = map;
    return () => {
      mapRef.current = null;
      setLoaded(false);
      map.remove();
    };
  }, [basemapStyleUrl]);

  // Data: one GeoJSON source, fills and outlines coloured by level, deeper levels drawn on top.
  useEffect(() => {
    const map = mapRef.current;
    if (!map || !loaded) return;
    const source = map.getSource<GeoJSONSource>(SOURCE);
    if (source) {
      source.setData(collection);
    } else {
      map.addSource(SOURCE, { type: 'geojson', data: collection });
      const rank = byLevel((l) => LEVEL_RANK[l], 0);
      map.addLayer({
        id: FILL,
        type: 'fill',
        source: SOURCE,
        layout: { 'fill-sort-key': rank },
        paint: {
          'fill-color': byLevel((l) => LEVEL_STYLE[l].color, '#64748b'),
          'fill-opacity': byLevel((l) => LEVEL_STYLE[l].fillOpacity, 0.1),
        },
      });
      map.addLayer({
        id: LINE,
        type: 'line',
        source: SOURCE,
        layout: { 'line-sort-key': rank, 'line-join': 'round' },
        paint: {
          'line-color': byLevel((l) => LEVEL_STYLE[l].color, '#64748b'),
          'line-width': byLevel((l) => LEVEL_STYLE[l].lineWidth, 1),
        },
      });
      map.addLayer({
        id: SELECTED_FILL,
        type: 'fill',
        source: SOURCE,
        filter: selectedFilter(null),
        paint: { 'fill-color': SELECTED_COLOR, 'fill-opacity': 0.35 },
      });
      map.addLayer({
        id: SELECTED_LINE,
        type: 'line',
        source: SOURCE,
        filter: selectedFilter(null),
        layout: { 'line-join': 'round' },
        paint: { 'line-color': '#b45309', 'line-width': 3 },
      });
    }
    const bbox = collectionBbox(collection);
    if (bbox) map.fitBounds(bbox, { padding: fitPadding(map, coveredRightRef.current), animate: false, maxZoom: 17 });
    // Tell tests (and curious operators) how many polygons actually reached the screen.
    setRenderedCount(null);
    map.once('idle', () => {
      const ids = new Set(map.queryRenderedFeatures({ layers: [FILL] }).map((f) => String(f.properties.id)));
      setRenderedCount(ids.size);
    });
  }, [collection, loaded]);

  // The completeness layer recolours the fills of the nodes it has figures for and fades the others.
  // biome-ignore lint/correctness/useExhaustiveDependencies: re-applied when the data source is rebuilt
  useEffect(() => {
    const map = mapRef.current;
    if (!map || !loaded || !map.getLayer(FILL)) return;
    if (!choropleth || choropleth.size === 0) {
      map.setPaintProperty(FILL, 'fill-color', byLevel((l) => LEVEL_STYLE[l].color, '#64748b'));
      map.setPaintProperty(FILL, 'fill-opacity', byLevel((l) => LEVEL_STYLE[l].fillOpacity, 0.1));
      return;
    }
    const pairs = [...choropleth].flat();
    const ids = [...choropleth.keys()];
    map.setPaintProperty(FILL, 'fill-color', ['match', ['get', 'id'], ...pairs, '#64748b'] as unknown as ExpressionSpecification);
    map.setPaintProperty(FILL, 'fill-opacity', ['match', ['get', 'id'], ids, 0.7, 0.02] as unknown as ExpressionSpecification);
  }, [choropleth, loaded, collection]);

  useEffect(() => {
    const map = mapRef.current;
    if (!map || !loaded || !map.getLayer(SELECTED_FILL)) return;
    map.setFilter(SELECTED_FILL, selectedFilter(selectedId));
    map.setFilter(SELECTED_LINE, selectedFilter(selectedId));
  }, [selectedId, loaded]);

  useEffect(() => {
    const map = mapRef.current;
    if (!map || !loaded || !zoomRequest) return;
    const feature = collection.features.find((f) => f.properties.id === zoomRequest.id);
    if (!feature) return;
    const bbox: Bbox = featureBbox(feature);
    const reduceMotion = window.matchMedia('(prefers-reduced-motion: reduce)').matches;
    map.fitBounds(bbox, { padding: fitPadding(map, coveredRight), maxZoom: 17, duration: reduceMotion ? 0 : 600 });
  }, [zoomRequest, collection, loaded, coveredRight]);

  // Labels follow the language without rebuilding the map.
  useEffect(() => {
    const map = mapRef.current;
    if (!map || !loaded) return;
    map.getCanvas().setAttribute('aria-label', t('map.title'));
    const label = (selector: string, text: string) => {
      const el = map.getContainer().querySelector(selector);
      if (el) {
        el.setAttribute('aria-label', text);
        el.setAttribute('title', text);
      }
    };
    label('.maplibregl-ctrl-zoom-in', t('map.zoomIn'));
    label('.maplibregl-ctrl-zoom-out', t('map.zoomOut'));
  }, [t, loaded]);

  return (
    <section
      className="gl-map"
      aria-label={t('territory.mapLabel')}
      data-testid="territory-map"
      data-map-loaded={loaded ? 'true' : 'false'}
      data-source-features={collection.features.length}
      data-rendered-features={renderedCount ?? undefined}
    >
      <div ref={containerRef} className="gl-map-canvas" />
      {showDetail && loaded ? (
        <p
          className="gl-map-detail"
          role="status"
          data-testid="map-detail"
          data-truncated={detail?.truncated ? 'true' : 'false'}
          data-components={detail?.components ?? undefined}
          data-building-points={detail?.buildingPoints ?? undefined}
          data-footprints={detail?.footprints ?? undefined}
        >
          {detailText(t, detail)}
        </p>
      ) : null}
      {failed ? <p className="gl-map-failed">{t('territory.mapUnavailable')}</p> : null}
    </section>
  );
}

function detailText(t: ReturnType<typeof useTranslation>['t'], detail: MapDetail | null): string {
  if (!detail || detail.components === null || detail.buildingPoints === null) {
    return detail?.failed ? t('registry.mapLayer.failed') : t('registry.mapLayer.zoomIn');
  }
  const loaded = t('registry.mapLayer.loaded', { buildings: detail.buildingPoints, components: detail.components });
  if (detail.footprints === null) return `${loaded} ${t('registry.mapLayer.outlinesHint', { zoom: FOOTPRINT_ZOOM })}`;
  const outlines = t('registry.mapLayer.outlines', { count: detail.footprints });
  return `${loaded} ${outlines}${detail.truncated ? ` ${t('registry.mapLayer.truncated')}` : ''}`;
}
