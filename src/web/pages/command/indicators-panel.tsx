import { DownloadOutlined, PrinterOutlined } from '@ant-design/icons';
import { Alert, Button, Radio, Select, Table, type TableColumnsType } from 'antd';
import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { errorText } from '../../lib/error-text.ts';
import { formatDateTime } from '../../lib/format.ts';
import { useLanguage } from '../../lib/use-language.ts';
import { bulletinUrl, indicatorsXlsxUrl, type JurisdictionParam, useIndicators } from './command-data.ts';
import { INDICATOR_GROUPINGS, INDICATOR_KEYS, type IndicatorGrouping, type IndicatorRow } from './command-types.ts';
import { formatCount, formatRate, indicatorOf, nodeName } from './dashboard-model.ts';
import { recentWeeks } from './period.ts';

interface IndicatorsPanelProps {
  jurisdiction: JurisdictionParam;
  period: { from: string; to: string };
  today: string;
  timezone: string;
  onSelectNode: (id: string) => void;
}

/** The eight GB/T 30428 indicators per child node, department or role, with the XLSX export and the weekly bulletin. */
export function IndicatorsPanel({ jurisdiction, period, today, timezone, onSelectNode }: IndicatorsPanelProps) {
  const { t } = useTranslation();
  const lang = useLanguage();
  const ids = useId();
  const [by, setBy] = useState<IndicatorGrouping>('child');
  const weeks = recentWeeks(today, 8);
  const [week, setWeek] = useState(weeks[0] ?? '');
  const table = useIndicators(jurisdiction, by, period);

  const columns: TableColumnsType<IndicatorRow> = [
    {
      key: 'name',
      title: t(`command.indicators.by.${by}`),
      render: (_, r) =>
        r.key.kind === 'node' ? (
          <Button type="link" className="gl-link-button" onClick={() => onSelectNode(r.key.id)} data-testid="indicator-node-link">
            {nodeName(r.key, lang)}
          </Button>
        ) : (
          // The server names roles as the indicators count them (grid workers as inspectors).
          nodeName(r.key, lang)
        ),
    },
    ...INDICATOR_KEYS.map((key) => ({
      key,
      title: t(`command.indicator.${key}`),
      align: 'right' as const,
      render: (_: unknown, r: IndicatorRow) => {
        const ind = indicatorOf(r.indicators, key);
        if (!ind) return '—';
        return (
          <span className="gl-command-rate">
            <span>{formatRate(ind.value, lang)}</span>
            <span className="gl-command-rate-fraction">
              {formatCount(ind.numerator, lang)}/{formatCount(ind.denominator, lang)}
            </span>
          </span>
        );
      },
    })),
  ];

  return (
    <section className="gl-panel gl-command-indicators" aria-labelledby={`${ids}-title`} data-testid="command-indicators">
      <div className="gl-command-chart-head">
        <h2 id={`${ids}-title`} className="gl-panel-title">
          {t('command.indicators.title')}
        </h2>
        <div className="gl-command-controls">
          <Radio.Group
            size="small"
            optionType="button"
            value={by}
            onChange={(e) => setBy(e.target.value as IndicatorGrouping)}
            aria-label={t('command.indicators.groupBy')}
            options={INDICATOR_GROUPINGS.map((g) => ({ value: g, label: t(`command.indicators.by.${g}`) }))}
            data-testid="indicators-by"
          />
          <a className="gl-button-link" href={indicatorsXlsxUrl(jurisdiction, by, period)} download data-testid="indicators-xlsx">
            <DownloadOutlined aria-hidden="true" /> {t('command.indicators.xlsx')}
          </a>
        </div>
      </div>
      {table.data ? (
        <p className="gl-muted gl-command-asof">{t('command.asOf', { time: formatDateTime(table.data.asOf, lang, timezone) })}</p>
      ) : null}
      {table.isError ? <Alert type="error" showIcon title={errorText(t, table.error)} /> : null}
      {/* biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be reachable by keyboard */}
      <section className="gl-command-table-scroll" tabIndex={0} aria-label={t('command.tableRegion', { name: t('command.indicators.title') })}>
        <Table<IndicatorRow>
          rowKey={(r) => `${r.key.kind}:${r.key.id}`}
          size="small"
          columns={columns}
          dataSource={table.data?.rows ?? []}
          loading={table.isFetching && !table.data}
          pagination={{ pageSize: 20, hideOnSinglePage: true }}
          locale={{ emptyText: <span className="gl-empty-text">{t('command.indicators.empty')}</span> }}
          data-testid="indicators-table"
        />
      </section>
      <div className="gl-command-bulletin">
        <label htmlFor={`${ids}-week`}>{t('command.bulletin.week')}</label>
        <Select
          id={`${ids}-week`}
          size="small"
          value={week}
          onChange={setWeek}
          options={weeks.map((w) => ({ value: w, label: w }))}
          className="gl-command-week"
        />
        <a
          className="gl-button-link"
          href={bulletinUrl(jurisdiction, week)}
          target="_blank"
          rel="noopener"
          data-testid="bulletin-link"
        >
          <PrinterOutlined aria-hidden="true" /> {t('command.bulletin.open')}
          <span className="gl-visually-hidden"> {t('command.newTab')}</span>
        </a>
        <a className="gl-button-link" href={bulletinUrl(jurisdiction, week, 'xlsx')} download data-testid="bulletin-xlsx">
          <DownloadOutlined aria-hidden="true" /> {t('command.bulletin.xlsx')}
        </a>
      </div>
    </section>
  );
}
