import { Radio } from 'antd';
import { useCallback, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useLanguage } from '../../../lib/use-language.ts';
import type { ChildSummary } from '../command-types.ts';
import { formatCount, formatRate, nodeName, RANKING_METRICS, type RankingMetric, rankChildren } from '../dashboard-model.ts';
import { ChartFigure } from './chart-figure.tsx';
import { axisStyle, baseOption, chartStyle } from './chart-style.ts';
import type { ChartOption } from './echarts.ts';

interface RankingChartProps {
  childNodes: readonly ChildSummary[];
  dark: boolean;
  onSelect: (id: string) => void;
  /** Bars shown at most (the worst ones); the hidden table lists every child. */
  limit: number;
  minHeight: number;
}

const BAR_PX = 26;

/** Child nodes ranked worst first; a click on a bar drills down to that node. */
export function RankingChart({ childNodes, dark, onSelect, limit, minHeight }: RankingChartProps) {
  const { t } = useTranslation();
  const lang = useLanguage();
  const [metric, setMetric] = useState<RankingMetric>('overdue');
  const s = chartStyle(dark);
  const ranked = useMemo(() => rankChildren(childNodes, metric), [childNodes, metric]);
  const shown = ranked.slice(0, limit);
  const isRate = metric === 'on_time_closure_rate';
  const show = useCallback((v: number | null) => (isRate ? formatRate(v, lang) : formatCount(v ?? 0, lang)), [isRate, lang]);
  const color = metric === 'open' ? s.series.intake : metric === 'overdue' ? s.series.overdue : s.series.rate;

  const option = useMemo(
    (): ChartOption => ({
      ...baseOption(s),
      // One series: the metric switch above names it.
      legend: { show: false },
      tooltip: { trigger: 'axis', confine: true, axisPointer: { type: 'shadow' } },
      grid: { left: 8, right: 48, top: 8, bottom: 8, containLabel: true },
      xAxis: { type: 'value', max: isRate ? 1 : undefined, minInterval: isRate ? undefined : 1, ...axisStyle(s), axisLabel: { ...axisStyle(s).axisLabel, formatter: (v: number) => (isRate ? `${Math.round(v * 100)}%` : String(v)) } },
      yAxis: { type: 'category', inverse: true, data: shown.map((r) => nodeName(r.node, lang)), ...axisStyle(s) },
      series: [
        {
          type: 'bar',
          name: t(`command.ranking.${metric}`),
          data: shown.map((r) => r.value ?? 0),
          color,
          cursor: 'pointer',
          barMaxWidth: 18,
          label: { show: true, position: 'right', color: s.text, fontSize: s.fontSize, formatter: (p: { dataIndex: number }) => show(shown[p.dataIndex]?.value ?? null) },
        },
      ],
    }),
    [shown, s, lang, metric, isRate, color, t, show],
  );

  const worst = ranked[0];
  const summary = worst
    ? t('command.ranking.summary', { metric: t(`command.ranking.${metric}`), count: ranked.length, name: nodeName(worst.node, lang), value: show(worst.value) })
    : t('command.ranking.empty');

  return (
    <ChartFigure
      id="command-ranking"
      testId="command-ranking"
      title={t('command.ranking.title')}
      summary={summary}
      option={option}
      dark={dark}
      height={Math.max(minHeight, shown.length * BAR_PX + 24)}
      empty={ranked.length === 0}
      emptyText={t('command.ranking.empty')}
      onClick={(i) => {
        const hit = shown[i];
        if (hit) onSelect(hit.node.id);
      }}
      controls={
        <Radio.Group
          size="small"
          optionType="button"
          value={metric}
          onChange={(e) => setMetric(e.target.value as RankingMetric)}
          aria-label={t('command.ranking.metric')}
          options={RANKING_METRICS.map((m) => ({ value: m, label: t(`command.ranking.${m}`) }))}
          data-testid="ranking-metric"
        />
      }
      table={{
        columns: [t('command.ranking.rank'), t('command.children.name'), t(`command.ranking.${metric}`)],
        rows: ranked.map((r, i) => ({ key: r.node.id, cells: [String(i + 1), nodeName(r.node, lang), show(r.value)] })),
      }}
    />
  );
}
