import { DeleteOutlined } from '@ant-design/icons';
import { Alert, Button, Form, Popconfirm, Select, Table, type TableProps, TreeSelect } from 'antd';
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../api.ts';
import type { RoutingRule } from '../../case-types.ts';
import { categoryGroups, findSubCategory, subCategoryName } from '../../lib/category-tree.ts';
import { errorText } from '../../lib/error-text.ts';
import { useCategories, useDepartments } from '../../lib/reference-data.ts';
import { localName, useLanguage } from '../../lib/use-language.ts';
import { useJurisdictions } from '../territory/territory-data.ts';
import { useAddRoutingRule, useDeleteRoutingRule, useRoutingRules } from './admin-data.ts';

interface RuleValues {
  categoryCode?: string;
  jurisdictionId?: string;
  departmentId?: string;
}

const ANY = '*';

export function RoutingRulesPage() {
  const { t } = useTranslation();
  const lang = useLanguage();
  const rules = useRoutingRules();
  const categories = useCategories();
  const departments = useDepartments();
  const jurisdictions = useJurisdictions();
  const add = useAddRoutingRule();
  const remove = useDeleteRoutingRule();
  const [form] = Form.useForm<RuleValues>();
  const [status, setStatus] = useState('');

  useEffect(() => {
    document.title = `${t('adminRules.title')} · ${t('app.name')}`;
  }, [t]);

  const categoryTree = useMemo(
    () => [
      { value: ANY, title: t('adminRules.anyCategory') },
      ...categoryGroups(categories.data ?? [], lang).map((g) => ({
        value: g.code,
        title: `${g.family} · ${g.name}`,
        selectable: false,
        children: g.items.map((c) => ({ value: c.code, title: `${c.code} ${subCategoryName(c, lang)}` })),
      })),
    ],
    [categories.data, lang, t],
  );
  // Rules attach to districts, streets and communities: grids are too fine for a department's area.
  const places = (jurisdictions.data ?? [])
    .filter((j) => j.inScope && ['city', 'district', 'street', 'community'].includes(j.level))
    .map((j) => ({ value: j.id, label: `${localName(j, lang)} · ${t(`levels.${j.level}`)}` }));

  const columns: TableProps<RoutingRule>['columns'] = [
    {
      key: 'category',
      title: t('adminRules.category'),
      render: (_, r) => {
        if (!r.categoryCode) return t('adminRules.anyCategory');
        const c = findSubCategory(categories.data ?? [], r.categoryCode);
        return `${r.categoryCode} ${c ? subCategoryName(c, lang) : ''}`;
      },
    },
    { key: 'place', title: t('adminRules.jurisdiction'), dataIndex: 'jurisdictionName' },
    { key: 'dept', title: t('adminRules.department'), dataIndex: 'departmentName' },
    {
      key: 'delete',
      title: <span className="gl-visually-hidden">{t('adminRules.delete')}</span>,
      render: (_, r) => (
        <Popconfirm
          title={t('adminRules.deleteConfirm')}
          okText={t('adminRules.delete')}
          cancelText={t('form.cancel')}
          onConfirm={() => remove.mutate(r.id, { onSuccess: () => setStatus(t('adminRules.deleted')) })}
        >
          <Button size="small" danger icon={<DeleteOutlined />} aria-label={t('adminRules.deleteNamed', { department: r.departmentName, place: r.jurisdictionName })}>
            {t('adminRules.delete')}
          </Button>
        </Popconfirm>
      ),
    },
  ];

  const onFinish = (v: RuleValues) => {
    if (!v.jurisdictionId || !v.departmentId) return;
    add.mutate(
      { categoryCode: !v.categoryCode || v.categoryCode === ANY ? null : v.categoryCode, jurisdictionId: v.jurisdictionId, departmentId: v.departmentId },
      {
        onSuccess: () => {
          form.resetFields();
          setStatus(t('adminRules.added'));
        },
        onError: (error) => {
          if (error instanceof ApiError && error.field && ['categoryCode', 'jurisdictionId', 'departmentId'].includes(error.field)) {
            form.setFields([{ name: error.field as keyof RuleValues, errors: [errorText(t, error)] }]);
          }
        },
      },
    );
  };

  return (
    <div className="gl-page" data-testid="admin-routing-rules">
      <h1 className="gl-page-title">{t('adminRules.title')}</h1>
      <p className="gl-page-intro">{t('adminRules.intro')}</p>
      <section className="gl-panel" aria-labelledby="add-rule-title">
        <h2 id="add-rule-title" className="gl-panel-title">
          {t('adminRules.add')}
        </h2>
        <Form<RuleValues> form={form} layout="vertical" onFinish={onFinish} initialValues={{ categoryCode: ANY }} className="gl-form-grid" name="routing-rule">
          <Form.Item name="categoryCode" label={t('adminRules.category')}>
            <TreeSelect treeData={categoryTree} showSearch treeNodeFilterProp="title" />
          </Form.Item>
          <Form.Item name="jurisdictionId" label={t('adminRules.jurisdiction')} rules={[{ required: true, message: t('form.required') }]}>
            <Select showSearch optionFilterProp="label" options={places} loading={jurisdictions.isLoading} />
          </Form.Item>
          <Form.Item name="departmentId" label={t('adminRules.department')} rules={[{ required: true, message: t('form.required') }]}>
            <Select
              showSearch
              optionFilterProp="label"
              loading={departments.isLoading}
              options={(departments.data ?? []).map((d) => ({ value: d.id, label: localName(d, lang) }))}
            />
          </Form.Item>
          <Form.Item className="gl-form-grid-end">
            <Button type="primary" htmlType="submit" loading={add.isPending}>
              {t('adminRules.add')}
            </Button>
          </Form.Item>
        </Form>
        {add.isError && !(add.error instanceof ApiError && add.error.field) ? <Alert type="error" showIcon title={errorText(t, add.error)} /> : null}
      </section>
      <p role="status" className="gl-list-summary">
        {status}
      </p>
      {rules.isError || remove.isError ? <Alert type="error" showIcon title={errorText(t, rules.error ?? remove.error)} /> : null}
      <Table<RoutingRule>
        rowKey="id"
        size="small"
        columns={columns}
        dataSource={rules.data ?? []}
        loading={rules.isLoading}
        pagination={false}
        caption={<span className="gl-visually-hidden">{t('adminRules.title')}</span>}
        locale={{ emptyText: <span className="gl-empty-text">{t('adminRules.empty')}</span> }}
        className="gl-admin-table"
      />
    </div>
  );
}
