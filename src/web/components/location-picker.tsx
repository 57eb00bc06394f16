import { AimOutlined, EnvironmentOutlined } from '@ant-design/icons';
import { Button, Spin } from 'antd';
import { lazy, Suspense, useCallback, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { usePlacement } from '../lib/reference-data.ts';
import { useIsPhone } from '../lib/use-media-query.ts';
import { useConfig } from '../session.ts';
import { useTerritoryOutline } from '../pages/territory/territory-data.ts';
import type { LatLng } from './map/location-map.tsx';
import { PlacementText } from './placement-text.tsx';

// MapLibre is ~800 kB: the form shows at once, the map follows.
const LocationMap = lazy(() => import('./map/location-map.tsx').then((m) => ({ default: m.LocationMap })));

export interface PickedLocation extends LatLng {
  source: 'map' | 'device';
  /** Metres, for a device position. */
  accuracy?: number;
}

type DeviceState = 'idle' | 'locating' | 'denied' | 'unavailable' | 'unsupported';

interface LocationPickerProps {
  id?: string;
  value?: PickedLocation | null;
  onChange?: (value: PickedLocation) => void;
  'aria-invalid'?: boolean;
}

/** A point by map pin or by the device's position, and the grid it falls in, in words. */
export function LocationPicker({ id, value, onChange, ...rest }: LocationPickerProps) {
  const { t } = useTranslation();
  const isPhone = useIsPhone();
  const config = useConfig();
  const centre = useRef<LatLng | null>(null);
  const [device, setDevice] = useState<DeviceState>('idle');
  const placement = usePlacement(value ?? null);
  // The map opens on the city's outline; it waits the moment the (cached) outline takes, not for a failure.
  const outline = useTerritoryOutline();
  const statusId = `${id ?? 'location'}-status`;

  const pick = useCallback((p: LatLng) => onChange?.({ lat: p.lat, lng: p.lng, source: 'map' }), [onChange]);

  const locateDevice = () => {
    if (!('geolocation' in navigator)) {
      setDevice('unsupported');
      return;
    }
    setDevice('locating');
    navigator.geolocation.getCurrentPosition(
      (pos) => {
        setDevice('idle');
        // Browsers give WGS 84, which is what the server expects by default.
        onChange?.({ lat: pos.coords.latitude, lng: pos.coords.longitude, source: 'device', accuracy: pos.coords.accuracy });
      },
      (err) => setDevice(err.code === err.PERMISSION_DENIED ? 'denied' : 'unavailable'),
      { enableHighAccuracy: true, timeout: 15_000, maximumAge: 30_000 },
    );
  };

  const deviceMessage: Record<Exclude<DeviceState, 'idle'>, string> = {
    locating: t('location.locating'),
    denied: t('location.deviceDenied'),
    unavailable: t('location.deviceUnavailable'),
    unsupported: t('location.deviceUnsupported'),
  };

  const mapLoading = (
    <div className="gl-map gl-location-map gl-map-loading">
      <Spin />
    </div>
  );

  return (
    <div className="gl-location" data-testid="location-picker">
      <div className="gl-location-buttons">
        <Button
          id={id}
          icon={<AimOutlined />}
          onClick={locateDevice}
          loading={device === 'locating'}
          aria-describedby={statusId}
          aria-invalid={rest['aria-invalid']}
          data-testid="use-device-position"
        >
          {t('location.useDevice')}
        </Button>
        <Button
          icon={<EnvironmentOutlined />}
          onClick={() => centre.current && pick(centre.current)}
          aria-describedby={statusId}
          data-testid="pin-map-centre"
        >
          {t('location.pinCentre')}
        </Button>
      </div>
      <p className="gl-field-hint">{t('location.mapHint')}</p>
      <Suspense fallback={mapLoading}>
        {outline.isPending ? (
          mapLoading
        ) : (
          <LocationMap
            value={value ?? null}
            onPick={pick}
            onCentre={(p) => {
              centre.current = p;
            }}
            outline={outline.data}
            basemapStyleUrl={config.data?.basemapStyleUrl ?? null}
            cooperative={isPhone}
            label={t('location.mapLabel')}
          />
        )}
      </Suspense>
      <div id={statusId} className="gl-location-status" aria-live="polite" data-testid="location-status">
        {device !== 'idle' ? (
          <p className={device === 'locating' ? 'gl-muted' : 'gl-field-error'}>{deviceMessage[device]}</p>
        ) : null}
        {value ? (
          <PlacementText placement={placement.data} pending={placement.isFetching} point={value} />
        ) : (
          <p className="gl-muted">{t('location.noPin')}</p>
        )}
      </div>
    </div>
  );
}
