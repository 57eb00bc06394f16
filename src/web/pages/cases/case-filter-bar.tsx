import { Button, Input, Select, TreeSelect } from 'antd';
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { CASE_STATES, CHANNELS, LIGHTS } from '../../case-types.ts';
import { categoryGroups, subCategoryName } from '../../lib/category-tree.ts';
import { useCategories } from '../../lib/reference-data.ts';
import { localName, useLanguage } from '../../lib/use-language.ts';
import { useJurisdictions } from '../territory/territory-data.ts';
import type { CaseFilters } from './case-filters.ts';

interface CaseFilterBarProps {
  filters: CaseFilters;
  onChange: (next: CaseFilters) => void;
}

/** Every filter is a labelled control; a change applies at once and goes into the address. */
export function CaseFilterBar({ filters, onChange }: CaseFilterBarProps) {
  const { t } = useTranslation();
  const lang = useLanguage();
  const categories = useCategories();
  const jurisdictions = useJurisdictions();
  const set = (patch: Partial<CaseFilters>) => onChange({ ...filters, ...patch });
  // The search text is typed freely and applied on Enter; it follows the address when filters are cleared.
  const [q, setQ] = useState(filters.q ?? '');
  useEffect(() => setQ(filters.q ?? ''), [filters.q]);

  const categoryTree = useMemo(
    () =>
      categoryGroups(categories.data ?? [], lang).map((g) => ({
        value: g.code,
        title: `${g.family} · ${g.name}`,
        children: g.items.map((c) => ({ value: c.code, title: `${c.code} ${subCategoryName(c, lang)}` })),
      })),
    [categories.data, lang],
  );
  const grids = useMemo(
    () =>
      (jurisdictions.data ?? [])
        .filter((j) => j.level === 'grid' && j.inScope)
        .map((j) => ({ value: j.id, label: localName(j, lang) })),
    [jurisdictions.data, lang],
  );

  return (
    <form className="gl-filters" aria-label={t('cases.filters')} onSubmit={(e) => e.preventDefault()} data-testid="case-filters">
      <div className="gl-filter gl-filter-wide">
        <label htmlFor="filter-q">{t('cases.search')}</label>
        <Input.Search
          id="filter-q"
          allowClear
          value={q}
          onChange={(e) => setQ(e.target.value)}
          placeholder={t('cases.searchPlaceholder')}
          onSearch={(q) => set({ q: q.trim() || undefined })}
          enterButton={t('cases.searchButton')}
          data-testid="filter-q"
        />
      </div>
      <div className="gl-filter gl-filter-wide">
        <label htmlFor="filter-state">{t('cases.state')}</label>
        <Select
          id="filter-state"
          mode="multiple"
          allowClear
          value={filters.state}
          placeholder={t('cases.any')}
          onChange={(state: string[]) => set({ state })}
          options={CASE_STATES.map((s) => ({ value: s, label: t(`caseState.${s}`) }))}
          data-testid="filter-state"
        />
      </div>
      <div className="gl-filter">
        <label htmlFor="filter-category">{t('cases.category')}</label>
        <TreeSelect
          id="filter-category"
          allowClear
          showSearch
          treeNodeFilterProp="title"
          value={filters.category}
          placeholder={t('cases.any')}
          treeData={categoryTree}
          onChange={(category?: string) => set({ category: category || undefined })}
        />
      </div>
      <div className="gl-filter">
        <label htmlFor="filter-grid">{t('cases.grid')}</label>
        <Select
          id="filter-grid"
          allowClear
          showSearch
          optionFilterProp="label"
          value={filters.grid}
          placeholder={t('cases.any')}
          options={grids}
          onChange={(grid?: string) => set({ grid: grid || undefined })}
        />
      </div>
      <div className="gl-filter">
        <label htmlFor="filter-channel">{t('cases.channel')}</label>
        <Select
          id="filter-channel"
          allowClear
          value={filters.channel}
          placeholder={t('cases.any')}
          options={CHANNELS.map((c) => ({ value: c, label: t(`channel.${c}`) }))}
          onChange={(channel?: string) => set({ channel: channel || undefined })}
        />
      </div>
      <div className="gl-filter">
        <label htmlFor="filter-light">{t('cases.light')}</label>
        <Select
          id="filter-light"
          allowClear
          value={filters.light}
          placeholder={t('cases.any')}
          options={LIGHTS.map((l) => ({ value: l, label: t(`light.${l}`) }))}
          onChange={(light?: string) => set({ light: light || undefined })}
          data-testid="filter-light"
        />
      </div>
      <div className="gl-filter">
        <label htmlFor="filter-from">{t('cases.from')}</label>
        <Input id="filter-from" type="date" value={filters.from ?? ''} onChange={(e) => set({ from: e.target.value || undefined })} />
      </div>
      <div className="gl-filter">
        <label htmlFor="filter-to">{t('cases.to')}</label>
        <Input id="filter-to" type="date" value={filters.to ?? ''} onChange={(e) => set({ to: e.target.value || undefined })} />
      </div>
      <div className="gl-filter gl-filter-end">
        <Button onClick={() => onChange({ state: [] })} data-testid="filters-clear">
          {t('cases.clear')}
        </Button>
      </div>
    </form>
  );
}
