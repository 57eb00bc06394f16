import 'maplibre-gl/dist/maplibre-gl.css';
import { Map as MapLibreMap, type MapMouseEvent, NavigationControl } from 'maplibre-gl';
import { useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { FALLBACK_CENTER, FIT_OPTIONS, labelMap, mapLocale, prefersReducedMotion } from '../../components/map/map-base.ts';
import type { ChildSummary, Points, Shapes } from './command-types.ts';
import { formatCount } from './dashboard-model.ts';
import { CommandMapLegend } from './command-map-legend.tsx';
import {
  AREAS,
  AREAS_FILL,
  addCommandLayers,
  CASES,
  CASES_CIRCLE,
  type CaseLayer,
  commandStyle,
  setCaseLayer,
  setFocus,
  setHeatScale,
  setSourceData,
  shapesBbox,
  updateSourceData,
} from './map-layers.ts';
import { type ChoroplethMetric, countByLight, joinChoropleth, pointsBbox } from './map-model.ts';
import { PointSync } from './point-sync.ts';
import { useLanguage } from '../../lib/use-language.ts';

interface CommandMapProps {
  /** The node shown: the map fits to its children once per node, not on every live refresh. */
  nodeId: string;
  nodeName: string;
  points: Points | undefined;
  shapes: Shapes | undefined;
  childNodes: readonly ChildSummary[];
  caseLayer: CaseLayer;
  metric: ChoroplethMetric;
  dark: boolean;
  basemapStyleUrl: string | null;
  /** At a grid: `shapes` are its siblings, and this one is outlined and fitted to. */
  focusId: string | null;
  onSelectNode: (id: string) => void;
  onOpenCase?: (id: string) => void;
}

/** Open cases by traffic light over the child areas coloured by open or overdue cases. */
export function CommandMap(props: CommandMapProps) {
  const { nodeId, nodeName, points, shapes, childNodes, caseLayer, metric, dark, basemapStyleUrl, focusId } = props;
  const { t } = useTranslation();
  const lang = useLanguage();
  const containerRef = useRef<HTMLDivElement>(null);
  const mapRef = useRef<MapLibreMap | null>(null);
  const handlers = useRef(props);
  handlers.current = props;
  const syncRef = useRef(new PointSync());
  const [pointCount, setPointCount] = useState<number | null>(null);
  const fittedFor = useRef<string | null>(null);
  const [loaded, setLoaded] = useState(false);
  const [failed, setFailed] = useState(false);

  // biome-ignore lint/correctness/useExhaustiveDependencies: the map is made once per style; t is read at creation
  useEffect(() => {
    const container = containerRef.current;
    if (!container) return;
    let map: MapLibreMap;
    try {
      map = new MapLibreMap({
        container,
        style: basemapStyleUrl ?? commandStyle(dark),
        center: FALLBACK_CENTER,
        zoom: 11,
        dragRotate: false,
        pitchWithRotate: false,
        touchPitch: false,
        attributionControl: basemapStyleUrl ? { compact: true } : false,
        maplibreLogo: false,
        fadeDuration: 0,
        locale: mapLocale(t),
      });
    } catch {
      setFailed(true);
      return;
    }
    map.touchZoomRotate.disableRotation();
    map.keyboard.disableRotation();
    map.addControl(new NavigationControl({ showCompass: false }), 'top-left');
    syncRef.current.reset();
    map.on('load', () => {
      addCommandLayers(map, dark);
      setLoaded(true);
    });
    map.on('click', (e: MapMouseEvent) => {
      const open = handlers.current.onOpenCase;
      if (open && map.getLayer(CASES_CIRCLE) && map.getLayoutProperty(CASES_CIRCLE, 'visibility') !== 'none') {
        const hit = map.queryRenderedFeatures(e.point, { layers: [CASES_CIRCLE] })[0];
        const id = typeof hit?.id === 'number' ? syncRef.current.caseId(hit.id) : undefined;
        if (id) return open(id);
      }
      const area = map.queryRenderedFeatures(e.point, { layers: [AREAS_FILL] })[0];
      const areaId = area?.properties?.id;
      if (typeof areaId === 'string' && areaId !== handlers.current.nodeId) handlers.current.onSelectNode(areaId);
    });
    map.on('mousemove', (e: MapMouseEvent) => {
      const over = map.queryRenderedFeatures(e.point, { layers: [AREAS_FILL, CASES_CIRCLE].filter((l) => map.getLayer(l)) });
      map.getCanvas().style.cursor = over.length > 0 ? 'pointer' : '';
    });
    mapRef.current = map;
    return () => {
      mapRef.current = null;
      fittedFor.current = null;
      setLoaded(false);
      map.remove();
    };
  }, [basemapStyleUrl, dark]);

  useEffect(() => {
    const map = mapRef.current;
    if (!map || !loaded || !points) return;
    const update = syncRef.current.next(points.points, points.ids);
    if (update.kind === 'full') setSourceData(map, CASES, update.data);
    else if (update.kind === 'diff') updateSourceData(map, CASES, update.diff);
    setHeatScale(map, syncRef.current.size);
    setPointCount(syncRef.current.size);
  }, [points, loaded]);

  const choropleth = useMemo(() => (shapes ? joinChoropleth(shapes, childNodes, metric) : null), [shapes, childNodes, metric]);
  useEffect(() => {
    const map = mapRef.current;
    if (!map || !loaded || !choropleth) return;
    setSourceData(map, AREAS, choropleth.collection);
  }, [choropleth, loaded]);

  useEffect(() => {
    const map = mapRef.current;
    if (map && loaded) setCaseLayer(map, caseLayer);
  }, [caseLayer, loaded]);

  useEffect(() => {
    const map = mapRef.current;
    if (map && loaded) setFocus(map, focusId, dark);
  }, [focusId, loaded, dark]);

  // Fit once per node, as soon as its outlines (or, at a grid, its points) are known.
  useEffect(() => {
    const map = mapRef.current;
    if (!map || !loaded || fittedFor.current === nodeId || !shapes) return;
    const focus = focusId ? shapes.features.filter((f) => f.properties.id === focusId) : shapes.features;
    const bbox = (focus.length > 0 ? shapesBbox({ features: focus }) : null) ?? (points ? pointsBbox(points.points) : null);
    if (!bbox) return;
    fittedFor.current = nodeId;
    map.fitBounds(bbox, { ...FIT_OPTIONS, duration: prefersReducedMotion() ? 0 : 500 });
  }, [nodeId, shapes, points, loaded, focusId]);

  useEffect(() => {
    const map = mapRef.current;
    if (!map || !loaded) return;
    labelMap(map, t, t('command.map.label', { name: nodeName }));
    map.getCanvas().setAttribute('aria-describedby', 'command-map-description');
  }, [t, loaded, nodeName]);

  const counts = points ? countByLight(points.points) : null;
  const description = counts
    ? t('command.map.description', {
        total: formatCount(points?.points.length ?? 0, lang),
        green: formatCount(counts[0], lang),
        yellow: formatCount(counts[1], lang),
        red: formatCount(counts[2], lang),
        parked: formatCount(counts[3], lang),
        metric: t(`command.map.metric.${metric}`),
      })
    : t('command.map.loading');
  const fullDescription = focusId ? `${description} ${t('command.map.focus', { name: nodeName })}` : description;

  return (
    <div className="gl-command-map-wrap">
      <div
        className="gl-map gl-command-map"
        data-testid="command-map"
        data-map-loaded={loaded ? 'true' : 'false'}
        data-points={pointCount ?? undefined}
        data-areas={choropleth?.collection.features.length ?? undefined}
      >
        <p id="command-map-description" className="gl-visually-hidden" data-testid="command-map-description">
          {fullDescription}
        </p>
        <div ref={containerRef} className="gl-map-canvas" />
        {failed ? <p className="gl-map-failed">{t('command.map.unavailable')}</p> : null}
        {points?.truncated ? (
          <p className="gl-command-map-note" role="note" data-testid="command-map-truncated">
            {t('command.map.truncated', { shown: formatCount(points.points.length, lang) })}
          </p>
        ) : null}
      </div>
      <CommandMapLegend breaks={choropleth?.breaks ?? []} metric={focusId ? null : metric} caseLayer={caseLayer} />
    </div>
  );
}
