import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { formatDay } from '../../../lib/format.ts';
import { useLanguage } from '../../../lib/use-language.ts';
import type { TrendDay } from '../command-types.ts';
import { formatCount } from '../dashboard-model.ts';
import { ChartFigure } from './chart-figure.tsx';
import { axisStyle, baseOption, chartStyle } from './chart-style.ts';
import type { ChartOption } from './echarts.ts';

const SERIES = ['intake', 'registered', 'closed'] as const;

/** Intake, registrations and closures per day of the period. */
export function TrendChart({ days, dark, height }: { days: readonly TrendDay[]; dark: boolean; height: number }) {
  const { t } = useTranslation();
  const lang = useLanguage();
  const s = chartStyle(dark);
  const withOverdue = days.some((d) => typeof d.overdueOpened === 'number');
  const option = useMemo((): ChartOption => {
    const labels = days.map((d) => d.date.slice(5).replace('-', '/'));
    const line = (key: (typeof SERIES)[number]) => ({
      type: 'line' as const,
      name: t(`command.trend.${key}`),
      data: days.map((d) => d[key]),
      color: s.series[key],
      showSymbol: days.length <= 31,
      smooth: false,
    });
    return {
      ...baseOption(s),
      grid: { left: 8, right: 16, top: 36, bottom: 8, containLabel: true },
      xAxis: { type: 'category', data: labels, ...axisStyle(s) },
      yAxis: { type: 'value', minInterval: 1, ...axisStyle(s) },
      series: [
        ...SERIES.map(line),
        ...(withOverdue
          ? [{ type: 'line' as const, name: t('command.trend.overdueOpened'), data: days.map((d) => d.overdueOpened ?? 0), color: s.series.overdue, showSymbol: false }]
          : []),
      ],
    };
  }, [days, s, t, withOverdue]);

  const total = (key: (typeof SERIES)[number]) => formatCount(days.reduce((n, d) => n + d[key], 0), lang);
  const first = days[0]?.date;
  const last = days[days.length - 1]?.date;
  const summary =
    first && last
      ? t('command.trend.summary', { from: formatDay(first, lang), to: formatDay(last, lang), intake: total('intake'), registered: total('registered'), closed: total('closed') })
      : t('command.trend.empty');
  const columns = [t('command.trend.date'), ...SERIES.map((k) => t(`command.trend.${k}`)), ...(withOverdue ? [t('command.trend.overdueOpened')] : [])];
  return (
    <ChartFigure
      id="command-trend"
      testId="command-trend"
      title={t('command.trend.title')}
      summary={summary}
      option={option}
      dark={dark}
      height={height}
      empty={days.length === 0}
      emptyText={t('command.trend.empty')}
      table={{
        columns,
        rows: days.map((d) => ({
          key: d.date,
          cells: [formatDay(d.date, lang), ...SERIES.map((k) => formatCount(d[k], lang)), ...(withOverdue ? [formatCount(d.overdueOpened ?? 0, lang)] : [])],
        })),
      }}
    />
  );
}
