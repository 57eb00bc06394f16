import { Alert, Button, Radio, Spin } from 'antd';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { isLanguage, type Language } from '../../i18n/i18n.ts';
import { errorText } from '../../lib/error-text.ts';
import { localName } from '../../lib/use-language.ts';
import { useIsPhone } from '../../lib/use-media-query.ts';
import { REGISTRY_READ } from '../../components/nav-items.tsx';
import { rolesOf, useConfig, useSession } from '../../session.ts';
import { LEVELS, type TerritoryFeature } from '../../types.ts';
import { useCompleteness, personsShare } from '../registry/registry-data.ts';
import { bucketColor, CompletenessLegend, CompletenessTable } from './completeness.tsx';
import { JurisdictionDetails } from './jurisdiction-details.tsx';
import { MapLegend } from './map-legend.tsx';
import { useJurisdictions, useTerritoryExport } from './territory-data.ts';
import { TerritoryMap, type ZoomRequest } from './territory-map.tsx';
import { TerritoryTree } from './territory-tree.tsx';
import { ancestorIds, buildTreeModel, initialExpandedIds } from './tree-model.ts';

// Matches .gl-details in styles.css: the panel floats over the map's right side at desk widths.
const DETAILS_WIDTH = 320;

export function TerritoryPage() {
  const { t, i18n } = useTranslation();
  const lang: Language = isLanguage(i18n.language) ? i18n.language : 'en';
  const isPhone = useIsPhone();
  const config = useConfig();
  const jurisdictions = useJurisdictions();
  const territory = useTerritoryExport();
  const [params, setParams] = useSearchParams();
  const selectedId = params.get('selected');
  const [expandedIds, setExpandedIds] = useState<string[] | null>(null);
  const [zoomRequest, setZoomRequest] = useState<ZoomRequest | null>(null);
  const completenessOn = params.get('layer') === 'completeness';
  const session = useSession();
  const held = rolesOf(session.data);
  const canReadRegistry = REGISTRY_READ.some((r) => held.has(r));

  useEffect(() => {
    document.title = `${t('territory.title')} · ${t('app.name')}`;
  }, [t]);

  const model = useMemo(() => buildTreeModel(jurisdictions.data ?? []), [jurisdictions.data]);
  const featuresById = useMemo(() => {
    const out = new Map<string, TerritoryFeature>();
    for (const f of territory.data?.features ?? []) out.set(f.properties.id, f);
    return out;
  }, [territory.data]);
  const levelsOnMap = useMemo(() => {
    const present = new Set((territory.data?.features ?? []).map((f) => f.properties.level));
    return LEVELS.filter((l) => present.has(l));
  }, [territory.data]);

  // Open the tree once the data arrives, and down to a node selected through the address.
  useEffect(() => {
    if (!jurisdictions.data || expandedIds !== null) return;
    const initial = new Set(initialExpandedIds(model));
    if (selectedId) for (const id of ancestorIds(model, selectedId)) initial.add(id);
    setExpandedIds([...initial]);
    if (selectedId) setZoomRequest({ id: selectedId, serial: 0 });
  }, [jurisdictions.data, expandedIds, model, selectedId]);

  const select = useCallback(
    (id: string, from: 'tree' | 'map') => {
      setParams(
        (prev) => {
          const next = new URLSearchParams(prev);
          next.set('selected', id);
          return next;
        },
        { replace: true },
      );
      setExpandedIds((prev) => [...new Set([...(prev ?? []), ...ancestorIds(model, id)])]);
      // A click on the map already shows the place; a choice in the tree or the details flies there.
      if (from === 'tree') setZoomRequest((prev) => ({ id, serial: (prev?.serial ?? 0) + 1 }));
    },
    [model, setParams],
  );

  // Completeness is shown for the children of the selected node, or of the caller's top node.
  const completenessNode = selectedId ?? model.roots[0] ?? null;
  const completeness = useCompleteness(completenessNode, completenessOn);
  const choropleth = useMemo(() => {
    if (!completenessOn || !completeness.data) return null;
    return new Map(completeness.data.map((item) => [item.jurisdictionId, bucketColor(personsShare(item))]));
  }, [completenessOn, completeness.data]);
  const completenessJurisdiction = completenessNode ? model.byId.get(completenessNode) : undefined;
  const completenessNodeName = completenessJurisdiction ? localName(completenessJurisdiction, lang) : null;
  const setLayer = (layer: string) =>
    setParams(
      (prev) => {
        const next = new URLSearchParams(prev);
        if (layer === 'completeness') next.set('layer', 'completeness');
        else next.delete('layer');
        return next;
      },
      { replace: true },
    );

  const failed = jurisdictions.error ?? territory.error;
  if (failed) {
    return (
      <div className="gl-page">
        <h1 className="gl-page-title">{t('territory.title')}</h1>
        <Alert
          type="error"
          showIcon
          title={t('errors.loadFailed')}
          description={errorText(t, failed)}
          action={
            <Button
              onClick={() => {
                void jurisdictions.refetch();
                void territory.refetch();
              }}
            >
              {t('errors.retry')}
            </Button>
          }
        />
      </div>
    );
  }

  const ready = jurisdictions.data && territory.data && config.isFetched;

  return (
    <div
      className={`${isPhone ? 'gl-page gl-territory gl-territory-phone' : 'gl-page gl-territory'}${completenessOn ? ' gl-territory-completeness' : ''}`}
    >
      <h1 className="gl-page-title">{t('territory.title')}</h1>
      <fieldset className="gl-layer-switch">
        <legend className="gl-visually-hidden">{t('registry.completeness.layer')}</legend>
        <Radio.Group
          optionType="button"
          value={completenessOn ? 'completeness' : 'levels'}
          onChange={(e) => setLayer(String(e.target.value))}
          options={[
            { value: 'levels', label: t('registry.completeness.layerLevels') },
            { value: 'completeness', label: t('registry.completeness.layerCompleteness') },
          ]}
          data-testid="layer-switch"
        />
      </fieldset>
      <div className="gl-territory-body">
        <section className="gl-panel gl-tree-panel" aria-labelledby="territory-tree-heading">
          <h2 id="territory-tree-heading" className="gl-panel-title">
            {t('territory.treeHeading')}
          </h2>
          <div className="gl-tree-box">
            {!jurisdictions.data ? (
              <Spin />
            ) : model.byId.size === 0 ? (
              <p className="gl-muted">{t('territory.empty')}</p>
            ) : (
              <TerritoryTree
                model={model}
                lang={lang}
                selectedId={selectedId}
                expandedIds={expandedIds ?? []}
                labelledBy="territory-tree-heading"
                onExpand={setExpandedIds}
                onSelect={(id) => select(id, 'tree')}
              />
            )}
          </div>
        </section>
        <div className="gl-map-column">
          {ready ? (
            <TerritoryMap
              collection={territory.data}
              coveredRight={isPhone ? 0 : DETAILS_WIDTH + 10}
              basemapStyleUrl={config.data?.basemapStyleUrl ?? null}
              selectedId={selectedId}
              zoomRequest={zoomRequest}
              onSelect={(id) => select(id, 'map')}
              choropleth={choropleth}
              showDetail={canReadRegistry}
            />
          ) : (
            <div className="gl-map gl-map-loading">
              <Spin />
            </div>
          )}
          {completenessOn ? <CompletenessLegend /> : <MapLegend levels={levelsOnMap} />}
          <JurisdictionDetails
            model={model}
            lang={lang}
            selectedId={selectedId}
            feature={selectedId ? featuresById.get(selectedId) : undefined}
            timezone={config.data?.timezone}
            headingId="territory-details-heading"
            onSelect={(id) => select(id, 'tree')}
          />
        </div>
      </div>
      {completenessOn ? (
        <CompletenessTable
          nodeName={completenessNodeName}
          items={completeness.data}
          loading={completeness.isFetching}
          error={completeness.error}
          onSelect={(id) => select(id, 'tree')}
        />
      ) : null}
    </div>
  );
}
