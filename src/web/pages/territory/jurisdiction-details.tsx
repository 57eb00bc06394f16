import { Button, Descriptions, type DescriptionsProps, Skeleton } from 'antd';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { Language } from '../../i18n/i18n.ts';
import { formatArea, formatDate } from '../../lib/format.ts';
import { jurisdictionName } from '../../lib/names.ts';
import type { TerritoryFeature } from '../../types.ts';
import { useJurisdictionDetail } from './territory-data.ts';
import type { TreeModel } from './tree-model.ts';

interface JurisdictionDetailsProps {
  model: TreeModel;
  lang: Language;
  selectedId: string | null;
  feature: TerritoryFeature | undefined;
  timezone: string | undefined;
  headingId: string;
  onSelect: (id: string) => void;
}

export function JurisdictionDetails({
  model,
  lang,
  selectedId,
  feature,
  timezone,
  headingId,
  onSelect,
}: JurisdictionDetailsProps) {
  const { t } = useTranslation();
  const j = selectedId ? model.byId.get(selectedId) : undefined;
  const detail = useJurisdictionDetail(selectedId, j?.inScope === true);

  let body: ReactNode;
  if (!j) {
    body = <p className="gl-muted">{t('territory.noSelection')}</p>;
  } else {
    const parent = j.parentId ? model.byId.get(j.parentId) : undefined;
    const areaM2 = feature?.properties.areaM2 ?? detail.data?.areaM2 ?? null;
    const area = areaM2 === null ? null : formatArea(areaM2, lang);
    const validFrom = detail.data?.validFrom ?? null;
    const unknown = t('territory.unknown');
    const items: DescriptionsProps['items'] = [
      { key: 'name', label: t('territory.name'), children: <span data-testid="details-name">{jurisdictionName(j, lang)}</span> },
      { key: 'level', label: t('territory.level'), children: <span data-testid="details-level">{t(`levels.${j.level}`)}</span> },
      { key: 'code', label: t('territory.code'), children: <code className="gl-code">{j.code}</code> },
      {
        key: 'area',
        label: t('territory.area'),
        children:
          area !== null ? (
            <span data-testid="details-area">{t(`units.${area.unit}`, { value: area.value })}</span>
          ) : detail.isLoading ? (
            <Skeleton.Input active size="small" />
          ) : (
            unknown
          ),
      },
      {
        key: 'parent',
        label: t('territory.parent'),
        children: parent ? (
          <Button
            type="link"
            className="gl-inline-link"
            data-testid="details-parent"
            onClick={() => onSelect(parent.id)}
          >
            {t('territory.selectParent', { name: jurisdictionName(parent, lang) })}
          </Button>
        ) : (
          t('territory.noParent')
        ),
      },
      { key: 'scope', label: t('territory.scope'), children: j.inScope ? t('territory.inScope') : t('territory.outOfScope') },
    ];
    if (validFrom) {
      items.push({ key: 'validFrom', label: t('territory.validFrom'), children: formatDate(validFrom, lang, timezone) });
    }
    body = (
      <>
        <Descriptions size="small" column={1} items={items} className="gl-descriptions" />
        {!feature ? <p className="gl-muted gl-details-note">{t('territory.notOnMap')}</p> : null}
      </>
    );
  }

  return (
    <section className="gl-panel gl-details" aria-labelledby={headingId} data-testid="details-panel" aria-live="polite">
      <h2 id={headingId} className="gl-panel-title">
        {t('territory.detailsHeading')}
      </h2>
      {body}
    </section>
  );
}
