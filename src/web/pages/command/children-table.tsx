import { Button, Table, type TableColumnsType } from 'antd';
import { useTranslation } from 'react-i18next';
import { useLanguage } from '../../lib/use-language.ts';
import type { ChildSummary, CommandLevel } from './command-types.ts';
import { formatCount, formatRate, indicatorOf, nodeName } from './dashboard-model.ts';

interface ChildrenTableProps {
  childNodes: readonly ChildSummary[];
  /** The level of the children, for the heading ("Streets of …"). */
  level: CommandLevel | undefined;
  parentName: string;
  onSelect: (id: string) => void;
  compact?: boolean;
}

const rate = (c: ChildSummary, key: 'on_time_closure_rate' | 'satisfaction_rate') => indicatorOf(c.indicators, key)?.value ?? null;
const byRate = (key: 'on_time_closure_rate' | 'satisfaction_rate') => (a: ChildSummary, b: ChildSummary) =>
  (rate(a, key) ?? -1) - (rate(b, key) ?? -1);

/**
 * The child nodes with their figures: the keyboard's way to drill down, and the map's and the ranking's data in words.
 */
export function ChildrenTable({ childNodes, level, parentName, onSelect, compact = false }: ChildrenTableProps) {
  const { t } = useTranslation();
  const lang = useLanguage();
  const columns: TableColumnsType<ChildSummary> = [
    {
      key: 'name',
      title: t('command.children.name'),
      sorter: (a, b) => a.node.code.localeCompare(b.node.code),
      render: (_, c) => (
        <Button
          type="link"
          className="gl-link-button"
          onClick={() => onSelect(c.node.id)}
          data-testid="child-link"
          data-id={c.node.id}
          data-level={c.node.level}
          data-open={c.open}
        >
          {nodeName(c.node, lang)}
        </Button>
      ),
    },
    { key: 'open', title: t('command.children.open'), align: 'right', sorter: (a, b) => a.open - b.open, render: (_, c) => formatCount(c.open, lang) },
    {
      key: 'overdue',
      title: t('command.children.overdue'),
      align: 'right',
      defaultSortOrder: 'descend',
      sorter: (a, b) => a.overdue - b.overdue,
      render: (_, c) => formatCount(c.overdue, lang),
    },
    { key: 'intake', title: t('command.children.intake'), align: 'right', sorter: (a, b) => a.intake - b.intake, render: (_, c) => formatCount(c.intake, lang) },
    {
      key: 'onTime',
      title: t('command.children.onTimeClosureRate'),
      align: 'right',
      sorter: byRate('on_time_closure_rate'),
      render: (_, c) => formatRate(rate(c, 'on_time_closure_rate'), lang),
    },
    {
      key: 'satisfaction',
      title: t('command.children.satisfactionRate'),
      align: 'right',
      sorter: byRate('satisfaction_rate'),
      render: (_, c) => formatRate(rate(c, 'satisfaction_rate'), lang),
    },
  ];
  // The wall has room for the figures that move; the desk shows them all.
  const shown = compact ? columns.filter((c) => c.key === 'name' || c.key === 'open' || c.key === 'overdue') : columns;
  const title = level ? t('command.children.title', { level: t(`levels.${level}`), name: parentName }) : t('command.children.titleNone');
  return (
    <section className="gl-panel gl-command-children" aria-labelledby="command-children-title" data-testid="command-children">
      <h2 id="command-children-title" className="gl-panel-title">
        {title}
      </h2>
      {/* A focusable region scrolls the table on a phone by keyboard too (antd's own scroller cannot take focus). */}
      {/* biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be reachable by keyboard */}
      <section className="gl-command-table-scroll" tabIndex={0} aria-label={t('command.tableRegion', { name: title })}>
        <Table<ChildSummary>
          rowKey={(c) => c.node.id}
          size={compact ? 'small' : 'middle'}
          columns={shown}
          dataSource={[...childNodes]}
          pagination={{ pageSize: compact ? 8 : 20, hideOnSinglePage: true }}
          locale={{ emptyText: <span className="gl-empty-text">{t('command.children.empty')}</span> }}
        />
      </section>
    </section>
  );
}
