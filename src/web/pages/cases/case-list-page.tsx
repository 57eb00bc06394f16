import { FilterOutlined } from '@ant-design/icons';
import { Alert, Button, Spin } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { CaseCard } from '../../components/case-card.tsx';
import { errorText } from '../../lib/error-text.ts';
import { useCaseStream } from '../../lib/use-case-stream.ts';
import { localName, useLanguage } from '../../lib/use-language.ts';
import { useIsPhone } from '../../lib/use-media-query.ts';
import { useCaseList, useJurisdictionNames } from './case-data.ts';
import { CaseFilterBar } from './case-filter-bar.tsx';
import { activeFilterCount, filtersFromParams, paramsFromFilters } from './case-filters.ts';
import { CaseTable } from './case-table.tsx';

export function CaseListPage() {
  const { t } = useTranslation();
  const lang = useLanguage();
  const isPhone = useIsPhone();
  const [params, setParams] = useSearchParams();
  const filters = filtersFromParams(params);
  const list = useCaseList(filters);
  const places = useJurisdictionNames();
  const [filtersOpen, setFiltersOpen] = useState(false);
  useCaseStream();

  useEffect(() => {
    document.title = `${t('cases.title')} · ${t('app.name')}`;
  }, [t]);

  const items = list.data?.pages.flatMap((p) => p.items) ?? [];
  const total = list.data?.pages[0]?.total ?? 0;
  const gridName = (id: string | null) => {
    const j = id ? places.get(id) : undefined;
    return j ? localName(j, lang) : undefined;
  };
  const active = activeFilterCount(filters);
  const summary = list.data ? t('cases.showing', { shown: items.length, total }) : '';

  return (
    <div className="gl-page gl-cases-page" data-testid="cases-page">
      <h1 className="gl-page-title">{t('cases.title')}</h1>
      {isPhone ? (
        <Button
          icon={<FilterOutlined />}
          aria-expanded={filtersOpen}
          aria-controls="case-filters-panel"
          onClick={() => setFiltersOpen((o) => !o)}
          className="gl-filters-toggle"
        >
          {t('cases.filtersToggle', { count: active })}
        </Button>
      ) : null}
      <div id="case-filters-panel" hidden={isPhone && !filtersOpen} className="gl-panel gl-filters-panel">
        <CaseFilterBar filters={filters} onChange={(next) => setParams(paramsFromFilters(next), { replace: true })} />
      </div>
      {list.isError ? (
        <Alert type="error" showIcon title={t('errors.loadFailed')} description={errorText(t, list.error)} className="gl-form-alert" />
      ) : null}
      <p className="gl-list-summary" role="status" data-testid="cases-summary">
        {summary}
      </p>
      {isPhone ? (
        list.isLoading ? (
          <Spin />
        ) : items.length === 0 ? (
          <p className="gl-muted">{t('cases.empty')}</p>
        ) : (
          <ul className="gl-card-list">
            {items.map((c) => (
              <li key={c.id}>
                <CaseCard item={c} gridName={gridName(c.gridId)} />
              </li>
            ))}
          </ul>
        )
      ) : (
        <CaseTable items={items} gridName={gridName} loading={list.isLoading} caption={t('cases.title')} />
      )}
      {list.hasNextPage ? (
        <Button className="gl-load-more" onClick={() => list.fetchNextPage()} loading={list.isFetchingNextPage} data-testid="load-more">
          {t('cases.loadMore')}
        </Button>
      ) : null}
    </div>
  );
}
