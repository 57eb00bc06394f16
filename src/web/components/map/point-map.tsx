import 'maplibre-gl/dist/maplibre-gl.css';
import { Map as MapLibreMap, Marker, NavigationControl } from 'maplibre-gl';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { TerritoryCollection } from '../../types.ts';
import { drawOutline, labelMap, mapLocale, OFFLINE_STYLE } from './map-base.ts';

interface PointMapProps {
  lat: number;
  lng: number;
  outline?: TerritoryCollection;
  basemapStyleUrl: string | null;
  label: string;
}

/** A small map showing where a case is; the address and the grid beside it say the same in words. */
export function PointMap({ lat, lng, outline, basemapStyleUrl, label }: PointMapProps) {
  const { t } = useTranslation();
  const containerRef = useRef<HTMLDivElement>(null);
  const mapRef = useRef<MapLibreMap | null>(null);
  const markerRef = useRef<Marker | null>(null);
  const [loaded, setLoaded] = useState(false);
  const [failed, setFailed] = useState(false);

  // biome-ignore lint/correctness/useExhaustiveDependencies: the map is made once; the point moves it below
  useEffect(() => {
    const container = containerRef.current;
    if (!container) return;
    let map: MapLibreMap;
    try {
      map = new MapLibreMap({
        container,
        style: basemapStyleUrl ?? OFFLINE_STYLE,
        center: [lng, lat],
        zoom: 16,
        dragRotate: false,
        pitchWithRotate: false,
        touchPitch: false,
        cooperativeGestures: true,
        attributionControl: basemapStyleUrl ? { compact: true } : false,
        maplibreLogo: false,
        fadeDuration: 0,
        locale: mapLocale(t),
      });
    } catch {
      setFailed(true);
      return;
    }
    map.addControl(new NavigationControl({ showCompass: false }), 'top-left');
    map.on('load', () => setLoaded(true));
    markerRef.current = new Marker({ color: '#c2410c' }).setLngLat([lng, lat]).addTo(map);
    mapRef.current = map;
    return () => {
      mapRef.current = null;
      setLoaded(false);
      map.remove();
    };
  }, [basemapStyleUrl]);

  useEffect(() => {
    markerRef.current?.setLngLat([lng, lat]);
    mapRef.current?.jumpTo({ center: [lng, lat] });
  }, [lat, lng]);

  useEffect(() => {
    const map = mapRef.current;
    if (map && loaded && outline) drawOutline(map, outline);
  }, [outline, loaded]);

  useEffect(() => {
    const map = mapRef.current;
    if (map && loaded) labelMap(map, t, label);
  }, [t, loaded, label]);

  return (
    <div
      className="gl-map gl-point-map"
      data-testid="point-map"
      data-map-loaded={loaded ? 'true' : 'false'}
      data-outline-features={loaded && outline ? outline.features.length : 0}
    >
      <div ref={containerRef} className="gl-map-canvas" />
      {failed ? <p className="gl-map-failed">{t('location.mapUnavailable')}</p> : null}
    </div>
  );
}
