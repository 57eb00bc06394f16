import { SearchOutlined } from '@ant-design/icons';
import { Alert, Button, Drawer, Input, Table, type TableProps } from 'antd';
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import type { SubCategory } from '../../case-types.ts';
import { categoryGroups, filterGroups, subCategoryName } from '../../lib/category-tree.ts';
import { errorText } from '../../lib/error-text.ts';
import { spanOf } from '../../lib/format.ts';
import { useCalendar, useCategories } from '../../lib/reference-data.ts';
import { useLanguage } from '../../lib/use-language.ts';
import { useIsPhone } from '../../lib/use-media-query.ts';
import { minutesPerWorkingDay } from './calendar-model.ts';
import { CategoryForm } from './category-form.tsx';

interface Row extends SubCategory {
  majorName: string;
}

export function CategoriesPage() {
  const { t } = useTranslation();
  const lang = useLanguage();
  const isPhone = useIsPhone();
  const categories = useCategories();
  const calendar = useCalendar();
  const perDay = minutesPerWorkingDay(calendar.data?.workingHours);
  const [params, setParams] = useSearchParams();
  const editing = params.get('edit');
  const [query, setQuery] = useState('');
  const [saved, setSaved] = useState<string | null>(null);

  useEffect(() => {
    document.title = `${t('adminCategories.title')} · ${t('app.name')}`;
  }, [t]);

  const rows: Row[] = useMemo(
    () =>
      filterGroups(categoryGroups(categories.data ?? [], lang), query).flatMap((g) =>
        // The tree API gives each sub-category an empty `children`, which a table would read as expandable rows.
        g.items.map((c) => {
          const { children: _children, ...rest } = c as SubCategory & { children?: unknown };
          return { ...rest, majorName: g.name };
        }),
      ),
    [categories.data, lang, query],
  );
  const span = (minutes: number, base: 'working' | 'natural') => {
    const s = spanOf(minutes, base === 'working' ? perDay : 1440);
    return t(base === 'working' ? `units.working_${s.unit}` : `units.${s.unit}`, { count: s.value });
  };
  const edit = (code: string | null) =>
    setParams((prev) => {
      const next = new URLSearchParams(prev);
      if (code) next.set('edit', code);
      else next.delete('edit');
      return next;
    });

  const columns: TableProps<Row>['columns'] = [
    { key: 'code', title: t('adminCategories.code'), dataIndex: 'code', render: (code: string) => <code className="gl-code">{code}</code> },
    { key: 'name', title: t('adminCategories.name'), render: (_, c) => subCategoryName(c, lang) },
    ...(isPhone
      ? []
      : [
          { key: 'major', title: t('adminCategories.major'), dataIndex: 'majorName' },
          { key: 'dept', title: t('adminCategories.departmentKind'), render: (_: unknown, c: Row) => t(`departmentKind.${c.defaultDepartmentKind}`) },
          { key: 'base', title: t('adminCategories.timeBase'), render: (_: unknown, c: Row) => t(`timeBase.${c.timeBase}`) },
          { key: 'handle', title: t('adminCategories.handleNormal'), render: (_: unknown, c: Row) => span(c.limits.handle.normal, c.timeBase) },
        ]),
    {
      key: 'edit',
      title: <span className="gl-visually-hidden">{t('adminCategories.edit')}</span>,
      render: (_, c) => (
        <Button size="small" onClick={() => edit(c.code)} aria-label={t('adminCategories.editNamed', { code: c.code, name: subCategoryName(c, lang) })} data-testid={`edit-${c.code}`}>
          {t('adminCategories.edit')}
        </Button>
      ),
    },
  ];

  // The drawer keeps its title while it slides shut: a dialog without a name, even for a moment, is a dialog unnamed.
  const [lastEditing, setLastEditing] = useState(editing);
  useEffect(() => {
    if (editing) setLastEditing(editing);
  }, [editing]);
  const titleCode = editing ?? lastEditing;
  const current = rows.find((r) => r.code === titleCode) ?? null;

  return (
    <div className="gl-page" data-testid="admin-categories">
      <h1 className="gl-page-title">{t('adminCategories.title')}</h1>
      <p className="gl-page-intro">{t('adminCategories.intro')}</p>
      <div className="gl-toolbar">
        <label htmlFor="category-filter" className="gl-visually-hidden">
          {t('adminCategories.search')}
        </label>
        <Input
          id="category-filter"
          type="search"
          allowClear
          prefix={<SearchOutlined aria-hidden="true" />}
          placeholder={t('adminCategories.search')}
          value={query}
          onChange={(e) => setQuery(e.target.value)}
          className="gl-toolbar-search"
        />
      </div>
      <p role="status" className="gl-list-summary">
        {saved ? t('adminCategories.saved', { code: saved }) : ''}
      </p>
      {categories.isError ? <Alert type="error" showIcon title={errorText(t, categories.error)} /> : null}
      <Table<Row>
        rowKey="code"
        size="small"
        columns={columns}
        dataSource={rows}
        loading={categories.isLoading}
        pagination={false}
        caption={<span className="gl-visually-hidden">{t('adminCategories.title')}</span>}
        className="gl-admin-table"
      />
      <Drawer
        open={editing !== null}
        onClose={() => edit(null)}
        size={isPhone ? '100%' : 640}
        title={t('adminCategories.editTitle', { code: titleCode ?? '', name: current ? subCategoryName(current, lang) : '' })}
        destroyOnHidden
      >
        {editing ? (
          <CategoryForm
            code={editing}
            onSaved={() => {
              setSaved(editing);
              edit(null);
            }}
          />
        ) : null}
      </Drawer>
    </div>
  );
}
