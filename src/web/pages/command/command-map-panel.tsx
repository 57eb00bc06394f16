import { Radio } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { CommandMap } from './command-map.tsx';
import type { ChildSummary, Points, Shapes } from './command-types.ts';
import type { CaseLayer } from './map-layers.ts';
import { CHOROPLETH_METRICS, type ChoroplethMetric } from './map-model.ts';

interface CommandMapPanelProps {
  nodeId: string;
  nodeName: string;
  points: Points | undefined;
  shapes: Shapes | undefined;
  childNodes: readonly ChildSummary[];
  dark: boolean;
  basemapStyleUrl: string | null;
  focusId: string | null;
  onSelectNode: (id: string) => void;
  onOpenCase?: (id: string) => void;
}

/** The live map with its two switches: points or heat, and the figure the child areas are coloured by. */
export function CommandMapPanel(props: CommandMapPanelProps) {
  const { t } = useTranslation();
  const [caseLayer, setCaseLayer] = useState<CaseLayer>('points');
  const [metric, setMetric] = useState<ChoroplethMetric>('open');
  return (
    <section className="gl-panel gl-command-map-panel" aria-labelledby="command-map-title" data-testid="command-map-panel">
      <div className="gl-command-chart-head">
        <h2 id="command-map-title" className="gl-panel-title">
          {t('command.map.title')}
        </h2>
        <div className="gl-command-controls">
          <Radio.Group
            size="small"
            optionType="button"
            value={caseLayer}
            onChange={(e) => setCaseLayer(e.target.value as CaseLayer)}
            aria-label={t('command.map.layer')}
            options={[
              { value: 'points', label: t('command.map.points') },
              { value: 'heat', label: t('command.map.heat') },
            ]}
            data-testid="map-layer"
          />
          {props.focusId ? null : (
          <Radio.Group
            size="small"
            optionType="button"
            value={metric}
            onChange={(e) => setMetric(e.target.value as ChoroplethMetric)}
            aria-label={t('command.map.colourBy')}
            options={CHOROPLETH_METRICS.map((m) => ({ value: m, label: t(`command.map.metric.${m}`) }))}
            data-testid="map-metric"
          />
          )}
        </div>
      </div>
      <CommandMap {...props} caseLayer={caseLayer} metric={metric} />
    </section>
  );
}
