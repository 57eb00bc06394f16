import { useTranslation } from 'react-i18next';
import type { Level } from '../../types.ts';
import { LEVEL_STYLE } from './geo.ts';

export function MapLegend({ levels }: { levels: readonly Level[] }) {
  const { t } = useTranslation();
  if (levels.length === 0) return null;
  return (
    <figure className="gl-legend">
      <figcaption className="gl-legend-title">{t('territory.legend')}</figcaption>
      <ul>
        {levels.map((level) => (
          <li key={level}>
            <span
              className="gl-legend-swatch"
              aria-hidden="true"
              style={{ borderColor: LEVEL_STYLE[level].color, background: `${LEVEL_STYLE[level].color}33` }}
            />
            {t(`levels.${level}`)}
          </li>
        ))}
      </ul>
    </figure>
  );
}
