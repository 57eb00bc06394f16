import { Alert, Button, Skeleton } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { ApiError } from '../../api.ts';
import { errorText } from '../../lib/error-text.ts';
import { useLanguage } from '../../lib/use-language.ts';
import { AttenuationChart } from './charts/attenuation-chart.tsx';
import { RankingChart } from './charts/ranking-chart.tsx';
import { TrendChart } from './charts/trend-chart.tsx';
import { ChildrenTable } from './children-table.tsx';
import { useAttenuation, useCommandLive, usePoints, useShapes, useSummary, useTrend } from './command-data.ts';
import { CommandHeader } from './command-header.tsx';
import { CommandMapPanel } from './command-map-panel.tsx';
import { CommandTiles } from './command-tiles.tsx';
import { COMMAND_LEVELS } from './command-types.ts';
import { nodeName } from './dashboard-model.ts';
import { IndicatorsPanel } from './indicators-panel.tsx';
import { previousPeriod } from './period.ts';
import { ResponsibilityPanel } from './responsibility-panel.tsx';
import { useCommandParams } from './use-command-params.ts';

interface CommandDashboardProps {
  mode: 'desk' | 'wall';
  timezone: string;
  basemapStyleUrl: string | null;
}

/** The command center of one node: desk mode (scrolls, with the tables) or wall mode (one dark 1920×1080 screen). */
export function CommandDashboard({ mode, timezone, basemapStyleUrl }: CommandDashboardProps) {
  const { t } = useTranslation();
  const lang = useLanguage();
  const navigate = useNavigate();
  const wall = mode === 'wall';
  const { today, period, jurisdiction, setPeriod, hrefFor, drillTo } = useCommandParams(timezone);
  const status = useCommandLive();
  const summary = useSummary(jurisdiction, period);
  const trend = useTrend(jurisdiction, period);
  const points = usePoints(jurisdiction);
  const data = summary.data;
  const atGrid = data?.node.level === 'grid';
  // A grid has no children to colour: its siblings (the parent's children) give the map its bearings.
  const shapes = useShapes(atGrid ? data?.ancestors[data.ancestors.length - 1]?.id : data?.node.id, data !== undefined);
  const [comparing, setComparing] = useState(false);
  const attenuation = useAttenuation(jurisdiction, period, comparing ? previousPeriod(period) : null);
  const name = data ? nodeName(data.node, lang) : '';

  useEffect(() => {
    document.title = `${name ? t('command.titleAt', { name }) : t('command.title')} · ${t('app.name')}`;
  }, [t, name]);

  const header = (
    <CommandHeader
      mode={mode}
      summary={data}
      status={status}
      period={period}
      today={today}
      timezone={timezone}
      onPeriod={setPeriod}
      hrefFor={hrefFor}
    />
  );

  if (summary.isError) {
    const notFound = summary.error instanceof ApiError && summary.error.status === 404;
    return (
      <div className={`gl-command gl-command-${mode}`} data-testid="command-page">
        {header}
        <Alert
          type="error"
          showIcon
          title={notFound ? t('command.notFound') : t('errors.loadFailed')}
          description={errorText(t, summary.error)}
          action={notFound ? <Link to={hrefFor(undefined)}>{t('command.toTop')}</Link> : <Button onClick={() => summary.refetch()}>{t('errors.retry')}</Button>}
        />
      </div>
    );
  }

  const childLevel = data ? COMMAND_LEVELS[COMMAND_LEVELS.indexOf(data.node.level) + 1] : undefined;
  const chartHeight = wall ? 330 : 260;

  return (
    <div className={`gl-command gl-command-${mode}`} data-testid="command-page" data-node={data?.node.id} data-level={data?.node.level}>
      {header}
      {!data ? (
        <Skeleton active paragraph={{ rows: 8 }} />
      ) : (
        <>
          {/* A new node or period is a new view, not a live change: the tiles start afresh and announce nothing. */}
          <CommandTiles key={`${data.node.id}:${period.from}:${period.to}`} tiles={data.tiles} asOf={data.asOf} timezone={timezone} />
          <div className="gl-command-grid">
            <div className="gl-command-area-map">
              <CommandMapPanel
                nodeId={data.node.id}
                nodeName={name}
                points={points.data}
                shapes={shapes.data}
                childNodes={data.children}
                dark={wall}
                basemapStyleUrl={basemapStyleUrl}
                focusId={atGrid ? data.node.id : null}
                onSelectNode={drillTo}
                onOpenCase={wall ? undefined : (id) => navigate(`/cases/${id}`)}
              />
            </div>
            <div className="gl-command-area-side">
              {atGrid ? (
                <ResponsibilityPanel gridId={data.node.id} compact={wall} />
              ) : (
                <RankingChart childNodes={data.children} dark={wall} onSelect={drillTo} limit={wall ? 12 : 20} minHeight={wall ? chartHeight : 160} />
              )}
            </div>
            <div className="gl-command-area-trend">
              {trend.isError ? <Alert type="error" showIcon title={errorText(t, trend.error)} /> : null}
              <TrendChart days={trend.data?.days ?? []} dark={wall} height={chartHeight} />
            </div>
            <div className="gl-command-area-attenuation">
              {attenuation.isError ? <Alert type="error" showIcon title={errorText(t, attenuation.error)} /> : null}
              <AttenuationChart
                levels={attenuation.data?.levels ?? []}
                compare={attenuation.data?.compare}
                comparing={comparing}
                onCompare={setComparing}
                dark={wall}
                height={chartHeight}
              />
            </div>
            {atGrid ? null : (
              <div className="gl-command-area-children">
                <ChildrenTable childNodes={data.children} level={childLevel} parentName={name} onSelect={drillTo} compact={wall} />
              </div>
            )}
          </div>
          {wall ? null : (
            <IndicatorsPanel jurisdiction={jurisdiction} period={period} today={today} timezone={timezone} onSelectNode={drillTo} />
          )}
        </>
      )}
    </div>
  );
}
