import { Table, type TableProps } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { CaseSummary } from '../../case-types.ts';
import { LightBadge, StateTag } from '../../components/case-badges.tsx';
import { DateTime, DueText } from '../../components/due-text.tsx';

interface CaseTableProps {
  items: CaseSummary[];
  gridName: (id: string | null) => string | undefined;
  loading: boolean;
  caption: string;
}

/** The desk list: one row a case, the number links to it. */
export function CaseTable({ items, gridName, loading, caption }: CaseTableProps) {
  const { t } = useTranslation();
  const columns: TableProps<CaseSummary>['columns'] = [
    {
      key: 'number',
      title: t('cases.column.number'),
      render: (_, c) => (
        <Link to={`/cases/${c.id}`} className="gl-nowrap" data-testid="case-link">
          {c.number}
        </Link>
      ),
    },
    { key: 'state', title: t('cases.column.state'), render: (_, c) => <StateTag state={c.state} /> },
    { key: 'light', title: t('cases.column.light'), render: (_, c) => <LightBadge light={c.light} parked={c.parked} /> },
    {
      key: 'category',
      title: t('cases.column.category'),
      render: (_, c) => (
        <>
          <div>{c.categoryName}</div>
          <div className="gl-cell-text">{c.description}</div>
        </>
      ),
    },
    {
      key: 'place',
      title: t('cases.column.place'),
      render: (_, c) => [c.address, gridName(c.gridId)].filter(Boolean).join(' · ') || '—',
    },
    { key: 'reported', title: t('cases.column.reported'), render: (_, c) => <DateTime iso={c.reportedAt} /> },
    {
      key: 'due',
      title: t('cases.column.due'),
      render: (_, c) => (c.stageDeadlineAt && !c.parked ? <DueText iso={c.stageDeadlineAt} compact /> : '—'),
    },
  ];
  return (
    <Table<CaseSummary>
      className="gl-case-table"
      rowKey="id"
      size="middle"
      columns={columns}
      dataSource={items}
      loading={loading}
      pagination={false}
      caption={<span className="gl-visually-hidden">{caption}</span>}
      data-testid="case-table"
      locale={{ emptyText: <span className="gl-empty-text">{t('cases.empty')}</span> }}
    />
  );
}
