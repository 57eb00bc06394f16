import { Alert, Button, Input, Select, Table, type TableColumnsType } from 'antd';
import { useEffect, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { errorText } from '../../lib/error-text.ts';
import { localName, useLanguage } from '../../lib/use-language.ts';
import { useIsPhone } from '../../lib/use-media-query.ts';
import { rolesOf, useSession } from '../../session.ts';
import { OrganisationDrawer } from './organisation-drawer.tsx';
import { ORGANISATION_KINDS, type Organisation, type OrganisationKind, useOrganisations } from './registry-data.ts';

function isKind(v: string | null): v is OrganisationKind {
  return v !== null && (ORGANISATION_KINDS as readonly string[]).includes(v);
}

/** Partner units, property companies, social organisations and owners' committees: a list, and a form for admins. */
export function OrganisationsPage() {
  const { t, i18n } = useTranslation();
  const lang = useLanguage();
  const isPhone = useIsPhone();
  const [params, setParams] = useSearchParams();
  const q = params.get('q') ?? '';
  const kindParam = params.get('kind');
  const kind = isKind(kindParam) ? kindParam : null;
  const [text, setText] = useState(q);
  const [kindChoice, setKindChoice] = useState<OrganisationKind | 'all'>(kind ?? 'all');
  // null: closed; 'new': the empty form; otherwise the organisation shown.
  const [open, setOpen] = useState<Organisation | 'new' | null>(null);
  const list = useOrganisations(q, kind);
  const isAdmin = rolesOf(useSession().data).has('admin');
  const ids = useId();

  useEffect(() => {
    document.title = `${t('registry.organisations.title')} · ${t('app.name')}`;
  }, [t]);

  const items = list.data?.pages.flatMap((p) => p.items) ?? [];
  const nf = new Intl.NumberFormat(i18n.language);
  const columns: TableColumnsType<Organisation> = [
    {
      key: 'name',
      title: t('registry.organisation.name'),
      render: (_, o) => (
        <Button type="link" className="gl-link-button" onClick={() => setOpen(o)} data-testid="organisation-open">
          {o.name}
        </Button>
      ),
    },
    { key: 'kind', title: t('registry.organisation.kind'), render: (_, o) => t(`registry.organisationKind.${o.kind}`, { defaultValue: o.kind }) },
    ...(isPhone
      ? []
      : [
          { key: 'jurisdiction', title: t('registry.organisation.jurisdiction'), render: (_: unknown, o: Organisation) => localName({ name: o.jurisdictionName['zh-Hans'], names: o.jurisdictionName }, lang) },
          { key: 'contact', title: t('registry.organisation.contactName'), render: (_: unknown, o: Organisation) => o.contactName ?? '—' },
          {
            key: 'phone',
            title: t('registry.organisation.contactPhone'),
            render: (_: unknown, o: Organisation) => <span className="gl-mono">{o.contactPhone ?? '—'}</span>,
          },
          {
            key: 'compounds',
            title: t('registry.organisation.compounds'),
            render: (_: unknown, o: Organisation) => (o.compounds.length > 0 ? o.compounds.join(t('form.listSeparator')) : '—'),
          },
        ]),
  ];

  return (
    <div className="gl-page gl-registry-page" data-testid="registry-organisations-page">
      <h1 className="gl-page-title">{t('registry.organisations.title')}</h1>
      <p className="gl-page-intro">{t('registry.organisations.intro')}</p>
      <search className="gl-panel gl-person-search">
        <form
          aria-label={t('registry.organisations.searchLabel')}
          onSubmit={(e) => {
            e.preventDefault();
            const next: Record<string, string> = {};
            if (text.trim()) next.q = text.trim();
            if (kindChoice !== 'all') next.kind = kindChoice;
            setParams(next, { replace: true });
          }}
        >
          <div className="gl-form-grid">
            <div>
              <label htmlFor={`${ids}-q`} className="gl-field-label">
                {t('registry.organisations.searchLabel')}
              </label>
              <Input id={`${ids}-q`} value={text} maxLength={100} onChange={(e) => setText(e.target.value)} allowClear data-testid="organisation-search-input" />
            </div>
            <div>
              <label htmlFor={`${ids}-kind`} className="gl-field-label">
                {t('registry.organisation.kind')}
              </label>
              <Select<OrganisationKind | 'all'>
                id={`${ids}-kind`}
                value={kindChoice}
                onChange={setKindChoice}
                className="gl-missing-kind"
                options={[
                  { value: 'all', label: t('registry.organisations.allKinds') },
                  ...ORGANISATION_KINDS.map((k) => ({ value: k, label: t(`registry.organisationKind.${k}`) })),
                ]}
              />
            </div>
          </div>
          <div className="gl-form-actions">
            <Button type="primary" htmlType="submit" data-testid="organisation-search-submit">
              {t('registry.organisations.search')}
            </Button>
            {isAdmin ? (
              <Button onClick={() => setOpen('new')} data-testid="organisation-new">
                {t('registry.organisations.add')}
              </Button>
            ) : null}
          </div>
        </form>
      </search>
      {list.isError ? <Alert type="error" showIcon title={errorText(t, list.error)} className="gl-form-alert" /> : null}
      <p className="gl-list-summary" role="status" data-testid="organisation-results-summary">
        {list.isFetching && !list.isFetchingNextPage ? t('registry.persons.searching') : t('registry.organisations.shown', { count: items.length, n: nf.format(items.length) })}
      </p>
      <Table<Organisation>
        rowKey="id"
        size="small"
        columns={columns}
        dataSource={items}
        loading={list.isLoading}
        pagination={false}
        scroll={{ x: 'max-content' }}
        data-testid="organisation-results"
        locale={{ emptyText: <span className="gl-empty-text">{t('registry.organisations.none')}</span> }}
      />
      {list.hasNextPage ? (
        <div className="gl-form-actions">
          <Button onClick={() => void list.fetchNextPage()} loading={list.isFetchingNextPage} data-testid="organisation-more">
            {t('registry.organisations.more')}
          </Button>
        </div>
      ) : null}
      <OrganisationDrawer
        organisation={open === 'new' ? null : open}
        open={open !== null}
        editable={isAdmin}
        isPhone={isPhone}
        onClose={() => setOpen(null)}
        onSaved={(o) => setOpen(o)}
      />
    </div>
  );
}
