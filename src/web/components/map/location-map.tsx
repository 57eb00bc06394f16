import 'maplibre-gl/dist/maplibre-gl.css';
import { Map as MapLibreMap, type MapMouseEvent, Marker, NavigationControl } from 'maplibre-gl';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { TerritoryCollection } from '../../types.ts';
import {
  drawOutline,
  FALLBACK_CENTER,
  FIT_OPTIONS,
  fitOutline,
  labelMap,
  mapLocale,
  OFFLINE_STYLE,
  outlineBounds,
  prefersReducedMotion,
} from './map-base.ts';

export interface LatLng {
  lat: number;
  lng: number;
}

interface LocationMapProps {
  /** `source: 'device'` (the device's position) zooms in to the pin: the map opens on the whole city. */
  value: (LatLng & { source?: string }) | null;
  onPick: (point: LatLng) => void;
  /** The map's centre after every move: "pin the map centre" places the pin there (keyboard users pan, then press). */
  onCentre: (point: LatLng) => void;
  outline?: TerritoryCollection;
  basemapStyleUrl: string | null;
  /** Phones: one finger scrolls the page, two move the map. */
  cooperative: boolean;
  label: string;
}

/** A map to place one pin: a tap or click puts it there, and it can be dragged. */
export function LocationMap({ value, onPick, onCentre, outline, basemapStyleUrl, cooperative, label }: LocationMapProps) {
  const { t } = useTranslation();
  const containerRef = useRef<HTMLDivElement>(null);
  const mapRef = useRef<MapLibreMap | null>(null);
  const markerRef = useRef<Marker | null>(null);
  const onPickRef = useRef(onPick);
  onPickRef.current = onPick;
  const onCentreRef = useRef(onCentre);
  onCentreRef.current = onCentre;
  const [loaded, setLoaded] = useState(false);
  const [failed, setFailed] = useState(false);

  // biome-ignore lint/correctness/useExhaustiveDependencies: the map lives as long as the component; callbacks go through refs
  useEffect(() => {
    const container = containerRef.current;
    if (!container) return;
    let map: MapLibreMap;
    // A pin first, else the city's bounds; the fixed centre only when the outline could not be had.
    const bounds = value ? null : outlineBounds(outline);
    const start = value
      ? { center: [value.lng, value.lat] as [number, number], zoom: 16 }
      : bounds
        ? { bounds, fitBoundsOptions: FIT_OPTIONS }
        : { center: FALLBACK_CENTER, zoom: 13 };
    try {
      map = new MapLibreMap({
        container,
        style: basemapStyleUrl ?? OFFLINE_STYLE,
        ...start,
        dragRotate: false,
        pitchWithRotate: false,
        touchPitch: false,
        cooperativeGestures: cooperative,
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
    map.on('load', () => setLoaded(true));
    map.on('click', (e: MapMouseEvent) => onPickRef.current({ lat: e.lngLat.lat, lng: e.lngLat.lng }));
    map.on('moveend', () => {
      const c = map.getCenter();
      onCentreRef.current({ lat: c.lat, lng: c.lng });
    });
    mapRef.current = map;
    return () => {
      mapRef.current = null;
      markerRef.current = null;
      setLoaded(false);
      map.remove();
    };
  }, [basemapStyleUrl, cooperative]);

  // biome-ignore lint/correctness/useExhaustiveDependencies: fit once when the outline arrives, not on every pin move
  useEffect(() => {
    const map = mapRef.current;
    if (!map || !loaded || !outline) return;
    drawOutline(map, outline);
    if (!value) fitOutline(map, outline);
    const c = map.getCenter();
    onCentreRef.current({ lat: c.lat, lng: c.lng });
  }, [outline, loaded]);

  // The pin follows the value; a value from elsewhere (device position) brings the map along.
  useEffect(() => {
    const map = mapRef.current;
    if (!map || !loaded) return;
    if (!value) {
      markerRef.current?.remove();
      markerRef.current = null;
      return;
    }
    let marker = markerRef.current;
    if (!marker) {
      marker = new Marker({ draggable: true, color: '#c2410c' }).setLngLat([value.lng, value.lat]).addTo(map);
      const m = marker;
      m.on('dragend', () => {
        const p = m.getLngLat();
        onPickRef.current({ lat: p.lat, lng: p.lng });
      });
      markerRef.current = marker;
    } else {
      marker.setLngLat([value.lng, value.lat]);
    }
    const closer = value.source === 'device' && map.getZoom() < 15;
    if (closer || !map.getBounds().contains([value.lng, value.lat])) {
      map.flyTo({ center: [value.lng, value.lat], zoom: Math.max(map.getZoom(), 16), duration: prefersReducedMotion() ? 0 : 600 });
    }
  }, [value, loaded]);

  useEffect(() => {
    const map = mapRef.current;
    if (map && loaded) labelMap(map, t, label);
  }, [t, loaded, label]);

  return (
    <div
      className="gl-map gl-location-map"
      data-testid="location-map"
      data-map-loaded={loaded ? 'true' : 'false'}
      data-outline-features={loaded && outline ? outline.features.length : 0}
    >
      <div ref={containerRef} className="gl-map-canvas" />
      {/* The centre mark shows where "pin the map centre" will put the pin. */}
      <span className="gl-map-crosshair" aria-hidden="true" />
      {failed ? <p className="gl-map-failed">{t('location.mapUnavailable')}</p> : null}
    </div>
  );
}
