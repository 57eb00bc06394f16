import { useTranslation } from 'react-i18next';
import type { Placement } from '../lib/reference-data.ts';
import { localName, useLanguage } from '../lib/use-language.ts';
import type { Names } from '../types.ts';

const CHAIN = ['community', 'street', 'district'];

interface PlacementTextProps {
  placement: Placement | undefined;
  pending: boolean;
  point: { lat: number; lng: number; source?: string; accuracy?: number };
}

/** "Grid: X (community · street · district)" for a point, or why it is outside. */
export function PlacementText({ placement, pending, point }: PlacementTextProps) {
  const { t } = useTranslation();
  const lang = useLanguage();
  const coords = t('location.coords', { lat: point.lat.toFixed(5), lng: point.lng.toFixed(5) });
  const accuracy =
    point.source === 'device' && point.accuracy ? ` · ${t('location.accuracy', { metres: Math.round(point.accuracy) })}` : '';
  let main: string;
  if (!placement) main = pending ? t('location.checking') : '';
  else if (placement.kind === 'grid') {
    const chain = CHAIN.flatMap((level) => {
      const a = placement.result.ancestors.find((x) => x.level === level);
      return a ? [localName(a, lang)] : [];
    });
    main = t('location.inGrid', { grid: localName(placement.result.grid, lang), chain: chain.join(' · ') });
  } else if (placement.nearest) {
    const names = placement.nearest.names as Names | undefined;
    main = t('location.outsideNear', {
      grid: names?.[lang] || placement.nearest.name,
      distance: Math.round(placement.nearest.distanceMeters),
    });
  } else main = t('location.outside');
  return (
    <p className="gl-placement" data-testid="placement" data-kind={placement?.kind ?? 'pending'}>
      <strong>{main}</strong>
      <span className="gl-muted">
        {coords}
        {accuracy}
      </span>
    </p>
  );
}
