import { Alert, Button, Select, Spin, Table, type TableColumnsType } from 'antd';
import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { errorText } from '../../lib/error-text.ts';
import {
  type CompletenessItem,
  MISSING_KINDS,
  type MissingKind,
  personsShare,
  useMissing,
} from '../registry/registry-data.ts';

/** Colour buckets of the share of complete persons, worst first; the legend and the map read the same list. */
export const COMPLETENESS_BUCKETS = [
  { min: 0, color: '#c0262d', key: 'lt50' },
  { min: 0.5, color: '#ea8a1b', key: 'lt80' },
  { min: 0.8, color: '#e3c920', key: 'lt95' },
  { min: 0.95, color: '#2f9e44', key: 'ge95' },
] as const;
export const NO_DATA_COLOR = '#9aa5b4';

export function bucketColor(share: number | null): string {
  if (share === null) return NO_DATA_COLOR;
  let color: string = NO_DATA_COLOR;
  for (const b of COMPLETENESS_BUCKETS) if (share >= b.min) color = b.color;
  return color;
}

const LABELS: Record<(typeof COMPLETENESS_BUCKETS)[number]['key'], string> = {
  lt50: '< 50%',
  lt80: '50–80%',
  lt95: '80–95%',
  ge95: '≥ 95%',
};

export function CompletenessLegend() {
  const { t } = useTranslation();
  return (
    <figure className="gl-legend" data-testid="completeness-legend">
      <figcaption className="gl-legend-title">{t('registry.completeness.legendTitle')}</figcaption>
      <ul>
        {COMPLETENESS_BUCKETS.map((b) => (
          <li key={b.key}>
            <span className="gl-legend-swatch" aria-hidden="true" style={{ borderColor: b.color, background: b.color }} />
            {LABELS[b.key]}
          </li>
        ))}
        <li>
          <span className="gl-legend-swatch" aria-hidden="true" style={{ borderColor: NO_DATA_COLOR, background: NO_DATA_COLOR }} />
          {t('registry.completeness.noData')}
        </li>
      </ul>
    </figure>
  );
}

function percent(done: number, total: number, nf: Intl.NumberFormat): string {
  return total > 0 ? nf.format(done / total) : '—';
}

interface TableProps {
  nodeName: string | null;
  items: CompletenessItem[] | undefined;
  loading: boolean;
  error: unknown;
  onSelect: (id: string) => void;
}

export function CompletenessTable({ nodeName, items, loading, error, onSelect }: TableProps) {
  const { t, i18n } = useTranslation();
  const ids = useId();
  const [missingFor, setMissingFor] = useState<{ id: string; name: string } | null>(null);
  const pf = new Intl.NumberFormat(i18n.language, { style: 'percent', maximumFractionDigits: 0 });
  const nf = new Intl.NumberFormat(i18n.language);
  const ratio = (done: number, total: number) =>
    t('registry.completeness.ratio', { done: nf.format(done), total: nf.format(total), percent: percent(done, total, pf) });
  const columns: TableColumnsType<CompletenessItem> = [
    {
      key: 'name',
      title: t('registry.completeness.name'),
      render: (_, r) => (
        <Button type="link" className="gl-link-button" onClick={() => onSelect(r.jurisdictionId)}>
          {r.name}
        </Button>
      ),
    },
    {
      key: 'persons',
      title: t('registry.completeness.personsComplete'),
      render: (_, r) => (
        <span className="gl-nowrap">
          <span className="gl-legend-swatch" aria-hidden="true" style={{ background: bucketColor(personsShare(r)) }} /> {ratio(r.personsComplete, r.persons)}
        </span>
      ),
    },
    { key: 'buildings', title: t('registry.completeness.buildingsWithHouseholds'), render: (_, r) => ratio(r.buildingsWithHouseholds, r.buildings) },
    { key: 'households', title: t('registry.completeness.householdsWithMembers'), render: (_, r) => ratio(r.householdsWithMembers, r.households) },
    { key: 'registered', title: t('registry.completeness.registeredFloating'), render: (_, r) => `${nf.format(r.registered)} / ${nf.format(r.floating)}` },
    {
      key: 'missing',
      title: <span className="gl-visually-hidden">{t('registry.completeness.showMissing')}</span>,
      render: (_, r) => (
        <Button size="small" onClick={() => setMissingFor({ id: r.jurisdictionId, name: r.name })} aria-label={`${t('registry.completeness.showMissing')}: ${r.name}`}>
          {t('registry.completeness.showMissing')}
        </Button>
      ),
    },
  ];
  return (
    <section className="gl-panel gl-completeness-panel" aria-labelledby={`${ids}-title`} data-testid="completeness-table">
      <h2 id={`${ids}-title`} className="gl-panel-title">
        {nodeName ? t('registry.completeness.tableTitle', { name: nodeName }) : t('registry.completeness.tableTitleNone')}
      </h2>
      {error ? <Alert type="error" showIcon title={errorText(t, error)} /> : null}
      <Table<CompletenessItem>
        rowKey="jurisdictionId"
        size="small"
        columns={columns}
        dataSource={items ?? []}
        loading={loading}
        pagination={{ pageSize: 20, hideOnSinglePage: true }}
        scroll={{ x: 'max-content' }}
        locale={{ emptyText: <span className="gl-empty-text">{t('registry.completeness.selectHint')}</span> }}
      />
      {missingFor ? <MissingList jurisdictionId={missingFor.id} name={missingFor.name} /> : null}
    </section>
  );
}

function MissingList({ jurisdictionId, name }: { jurisdictionId: string; name: string }) {
  const { t } = useTranslation();
  const ids = useId();
  const [kind, setKind] = useState<MissingKind>('buildings_without_households');
  const missing = useMissing(jurisdictionId, kind);
  const items = missing.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <div className="gl-missing" data-testid="completeness-missing">
      <h3 id={`${ids}-title`} className="gl-subtitle">
        {t('registry.completeness.missingTitle', { name })}
      </h3>
      <label htmlFor={`${ids}-kind`} className="gl-field-label">
        {t('registry.completeness.missingKind')}
      </label>
      <Select<MissingKind>
        id={`${ids}-kind`}
        value={kind}
        onChange={setKind}
        className="gl-missing-kind"
        options={MISSING_KINDS.map((k) => ({ value: k, label: t(`registry.completeness.missing.${k}`) }))}
      />
      {missing.isError ? <Alert type="error" showIcon title={errorText(t, missing.error)} /> : null}
      {missing.isLoading ? (
        <Spin />
      ) : items.length === 0 ? (
        <p className="gl-muted">{t('registry.completeness.missingNone')}</p>
      ) : (
        <>
          <ul className="gl-missing-list" aria-labelledby={`${ids}-title`} data-testid="completeness-missing-list">
            {items.map((m) => (
              <li key={m.id}>
                {m.label}
                {m.missing.length > 0
                  ? ` · ${t('registry.completeness.missingFields')}: ${m.missing.map((f) => t(`registry.completeness.field.${f}`, { defaultValue: f })).join(t('form.listSeparator'))}`
                  : ''}
              </li>
            ))}
          </ul>
          <p className="gl-muted" role="status">
            {t('registry.completeness.missingShown', { count: items.length })}
          </p>
          {missing.hasNextPage ? (
            <Button onClick={() => void missing.fetchNextPage()} loading={missing.isFetchingNextPage} data-testid="completeness-missing-more">
              {t('registry.completeness.missingMore')}
            </Button>
          ) : null}
        </>
      )}
    </div>
  );
}
