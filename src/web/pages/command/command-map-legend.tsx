import { useTranslation } from 'react-i18next';
import { useLanguage } from '../../lib/use-language.ts';
import { formatCount } from './dashboard-model.ts';
import type { CaseLayer } from './map-layers.ts';
import { type ChoroplethMetric, LIGHT_COLORS, LIGHT_NAMES, legendClasses } from './map-model.ts';

interface LegendProps {
  breaks: readonly number[];
  /** Null at a grid: its areas are context, not figures. */
  metric: ChoroplethMetric | null;
  caseLayer: CaseLayer;
}

/** The traffic lights of the points and the classes of the area colours, as the map draws them. */
export function CommandMapLegend({ breaks, metric, caseLayer }: LegendProps) {
  const { t } = useTranslation();
  const lang = useLanguage();
  const range = (min: number, max: number) =>
    min === max ? formatCount(min, lang) : `${formatCount(min, lang)}–${formatCount(max, lang)}`;
  return (
    <div className="gl-legend gl-command-legend" data-testid="command-map-legend">
      {caseLayer === 'points' ? (
        <figure>
          <figcaption className="gl-legend-title">{t('command.map.pointsLegend')}</figcaption>
          <ul>
            {LIGHT_NAMES.map((name, i) => (
              <li key={name}>
                <span className="gl-command-legend-dot" aria-hidden="true" style={{ background: LIGHT_COLORS[i] }} />
                {t(`light.${name}`)}
              </li>
            ))}
          </ul>
        </figure>
      ) : null}
      {metric ? (
      <figure>
        <figcaption className="gl-legend-title">{t('command.map.areasLegend', { metric: t(`command.map.metric.${metric}`) })}</figcaption>
        <ul>
          {legendClasses(breaks).map((c) => (
            <li key={c.min}>
              <span className="gl-legend-swatch" aria-hidden="true" style={{ borderColor: c.color, background: c.color }} />
              {range(c.min, c.max)}
            </li>
          ))}
        </ul>
      </figure>
      ) : null}
    </div>
  );
}
