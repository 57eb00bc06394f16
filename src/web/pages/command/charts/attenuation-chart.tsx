import { Checkbox } from 'antd';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { useLanguage } from '../../../lib/use-language.ts';
import type { AttenuationLevel } from '../command-types.ts';
import { formatCount, formatRate } from '../dashboard-model.ts';
import { attenuationChain, formatMinutes } from '../attenuation-model.ts';
import { ChartFigure } from './chart-figure.tsx';
import { axisStyle, baseOption, chartStyle } from './chart-style.ts';
import type { ChartOption } from './echarts.ts';

interface AttenuationChartProps {
  levels: readonly AttenuationLevel[];
  compare: readonly AttenuationLevel[] | undefined;
  comparing: boolean;
  onCompare: (on: boolean) => void;
  dark: boolean;
  height: number;
}

const hours = (minutes: number | null) => (minutes === null ? null : Math.round((minutes / 60) * 10) / 10);

/**
 * The "上熱中溫下冷" chain: per level from the district down to the grid, the median and 90th percentile time spent in
 * that level's stages (bars, hours) and the on-time rate (line); optionally beside the previous period.
 */
export function AttenuationChart({ levels, compare, comparing, onCompare, dark, height }: AttenuationChartProps) {
  const { t } = useTranslation();
  const lang = useLanguage();
  const s = chartStyle(dark);
  const chain = useMemo(() => attenuationChain(levels, comparing ? compare : undefined), [levels, compare, comparing]);
  const option = useMemo((): ChartOption => {
    const bar = (name: string, data: Array<number | null>, color: string, opacity = 1) => ({
      type: 'bar' as const,
      name,
      data,
      color,
      itemStyle: { opacity },
      barMaxWidth: 22,
      tooltip: { valueFormatter: (v: unknown) => (typeof v === 'number' ? t('command.attenuation.hours', { value: v }) : '—') },
    });
    const rateLine = (name: string, data: Array<number | null>, color: string, dashed: boolean) => ({
      type: 'line' as const,
      name,
      yAxisIndex: 1,
      data,
      color,
      lineStyle: { type: dashed ? ('dashed' as const) : ('solid' as const) },
      tooltip: { valueFormatter: (v: unknown) => (typeof v === 'number' ? formatRate(v, lang) : '—') },
    });
    return {
      ...baseOption(s),
      grid: { left: 8, right: 8, top: 40, bottom: 8, containLabel: true },
      xAxis: { type: 'category', data: chain.map((r) => t(`levels.${r.level}`)), ...axisStyle(s), axisLabel: { ...axisStyle(s).axisLabel, interval: 0 } },
      yAxis: [
        // Hours on the labels themselves: an axis name would collide with the legend.
        { type: 'value', ...axisStyle(s), axisLabel: { ...axisStyle(s).axisLabel, formatter: (v: number) => t('command.attenuation.hours', { value: v }) } },
        { type: 'value', min: 0, max: 1, ...axisStyle(s), splitLine: { show: false }, axisLabel: { ...axisStyle(s).axisLabel, formatter: (v: number) => `${Math.round(v * 100)}%` } },
      ],
      series: [
        bar(t('command.attenuation.median'), chain.map((r) => hours(r.current?.medianMinutes ?? null)), s.series.median),
        bar(t('command.attenuation.p90'), chain.map((r) => hours(r.current?.p90Minutes ?? null)), s.series.p90),
        ...(comparing
          ? [
              bar(t('command.attenuation.compareMedian'), chain.map((r) => hours(r.compare?.medianMinutes ?? null)), s.series.median, 0.4),
              bar(t('command.attenuation.compareP90'), chain.map((r) => hours(r.compare?.p90Minutes ?? null)), s.series.p90, 0.4),
            ]
          : []),
        rateLine(t('command.attenuation.onTimeRate'), chain.map((r) => r.current?.onTimeRate ?? null), s.series.rate, false),
        ...(comparing ? [rateLine(t('command.attenuation.compareOnTimeRate'), chain.map((r) => r.compare?.onTimeRate ?? null), s.series.compare, true)] : []),
      ],
    };
  }, [chain, comparing, s, t, lang]);

  const slowest = chain.reduce<(typeof chain)[number] | undefined>(
    (worst, r) => ((r.current?.medianMinutes ?? -1) > (worst?.current?.medianMinutes ?? -1) ? r : worst),
    undefined,
  );
  const summary = slowest?.current
    ? t('command.attenuation.summary', { level: t(`levels.${slowest.level}`), median: formatMinutes(slowest.current.medianMinutes, t) })
    : t('command.attenuation.empty');
  const columns = [
    t('command.attenuation.level'),
    t('command.attenuation.count'),
    t('command.attenuation.median'),
    t('command.attenuation.p90'),
    t('command.attenuation.onTimeRate'),
    ...(comparing ? [t('command.attenuation.compareMedian'), t('command.attenuation.compareP90'), t('command.attenuation.compareOnTimeRate')] : []),
  ];
  return (
    <ChartFigure
      id="command-attenuation"
      testId="command-attenuation"
      title={t('command.attenuation.title')}
      summary={summary}
      option={option}
      dark={dark}
      height={height}
      empty={chain.length === 0}
      emptyText={t('command.attenuation.empty')}
      controls={
        <Checkbox checked={comparing} onChange={(e) => onCompare(e.target.checked)} data-testid="attenuation-compare">
          {t('command.attenuation.compare')}
        </Checkbox>
      }
      table={{
        columns,
        rows: chain.map((r) => ({
          key: r.level,
          cells: [
            t(`levels.${r.level}`),
            formatCount(r.current?.count ?? 0, lang),
            formatMinutes(r.current?.medianMinutes ?? null, t),
            formatMinutes(r.current?.p90Minutes ?? null, t),
            formatRate(r.current?.onTimeRate, lang),
            ...(comparing ? [formatMinutes(r.compare?.medianMinutes ?? null, t), formatMinutes(r.compare?.p90Minutes ?? null, t), formatRate(r.compare?.onTimeRate, lang)] : []),
          ],
        })),
      }}
    />
  );
}
