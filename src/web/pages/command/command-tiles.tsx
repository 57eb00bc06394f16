import { InfoCircleOutlined } from '@ant-design/icons';
import { Tooltip } from 'antd';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { CHANNELS } from '../../case-types.ts';
import { formatDateTime } from '../../lib/format.ts';
import { useLanguage } from '../../lib/use-language.ts';
import type { Indicator, Tiles } from './command-types.ts';
import { changedTiles, formatCount, formatRate, type TileKey, tileValue } from './dashboard-model.ts';

interface CommandTilesProps {
  tiles: Tiles;
  asOf: string;
  timezone: string;
}

function RateDetail({ indicator, asOf, timezone }: { indicator: Indicator; asOf: string; timezone: string }) {
  const { t } = useTranslation();
  const lang = useLanguage();
  const text = t(`command.tiles.fraction.${indicator.key}`, {
    numerator: formatCount(indicator.numerator, lang),
    denominator: formatCount(indicator.denominator, lang),
    asOf: formatDateTime(asOf, lang, timezone),
  });
  return (
    <Tooltip title={text} trigger={['hover', 'focus']}>
      <button type="button" className="gl-command-tile-info" aria-label={text} data-testid={`tile-detail-${indicator.key}`}>
        <InfoCircleOutlined aria-hidden="true" />
      </button>
    </Tooltip>
  );
}

/**
 * Today's intake by channel, open, overdue, on-time closure and satisfaction. After a live refresh one polite status
 * line names the tiles that changed, rather than every number announcing itself.
 */
export function CommandTiles({ tiles, asOf, timezone }: CommandTilesProps) {
  const { t } = useTranslation();
  const lang = useLanguage();
  const previous = useRef<Tiles | undefined>(undefined);
  const [announcement, setAnnouncement] = useState('');

  // biome-ignore lint/correctness/useExhaustiveDependencies: announce only when the figures change
  useEffect(() => {
    const changed = changedTiles(previous.current, tiles);
    previous.current = tiles;
    if (changed.length === 0) return;
    const parts = changed.map((k) => `${t(`command.tiles.${k}`)} ${display(k)}`);
    setAnnouncement(t('command.tiles.updated', { changes: parts.join(t('form.listSeparator')) }));
  }, [tiles]);

  function display(key: TileKey): string {
    const v = tileValue(tiles, key);
    return key === 'onTimeClosureRate' || key === 'satisfactionRate' ? formatRate(v, lang) : formatCount(v ?? 0, lang);
  }

  const channels = CHANNELS.filter((c) => (tiles.intakeToday.byChannel[c] ?? 0) > 0);
  return (
    <section className="gl-command-tiles" aria-labelledby="command-tiles-title" data-testid="command-tiles">
      <h2 id="command-tiles-title" className="gl-visually-hidden">
        {t('command.tiles.label')}
      </h2>
      <div className="gl-command-tile" data-testid="tile-intakeToday" data-value={tiles.intakeToday.total}>
        <h3 className="gl-command-tile-label">{t('command.tiles.intakeToday')}</h3>
        <p className="gl-command-tile-value">{display('intakeToday')}</p>
        {channels.length > 0 ? (
          <ul className="gl-command-tile-channels" aria-label={t('command.tiles.byChannel')}>
            {channels.map((c) => (
              <li key={c}>
                {t(`channel.${c}`)} <strong>{formatCount(tiles.intakeToday.byChannel[c] ?? 0, lang)}</strong>
              </li>
            ))}
          </ul>
        ) : (
          <p className="gl-command-tile-note">{t('command.tiles.noIntakeToday')}</p>
        )}
      </div>
      <div className="gl-command-tile" data-testid="tile-open" data-value={tiles.open}>
        <h3 className="gl-command-tile-label">{t('command.tiles.open')}</h3>
        <p className="gl-command-tile-value">{display('open')}</p>
      </div>
      <div className="gl-command-tile gl-command-tile-alert" data-testid="tile-overdue" data-value={tiles.overdue}>
        <h3 className="gl-command-tile-label">{t('command.tiles.overdue')}</h3>
        <p className="gl-command-tile-value">{display('overdue')}</p>
      </div>
      {(['onTimeClosureRate', 'satisfactionRate'] as const).map((key) => (
        <div className="gl-command-tile" key={key} data-testid={`tile-${key}`} data-value={tiles[key].value ?? ''}>
          <h3 className="gl-command-tile-label">
            {t(`command.tiles.${key}`)}
            <RateDetail indicator={tiles[key]} asOf={asOf} timezone={timezone} />
          </h3>
          <p className="gl-command-tile-value">{display(key)}</p>
          <p className="gl-command-tile-note">
            {formatCount(tiles[key].numerator, lang)} / {formatCount(tiles[key].denominator, lang)}
          </p>
        </div>
      ))}
      <p className="gl-visually-hidden" role="status" aria-live="polite" data-testid="tiles-announcement">
        {announcement}
      </p>
    </section>
  );
}
