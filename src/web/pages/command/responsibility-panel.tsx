import { EditOutlined } from '@ant-design/icons';
import { Alert, Button, Skeleton } from 'antd';
import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { errorText } from '../../lib/error-text.ts';
import { useLanguage } from '../../lib/use-language.ts';
import { useResponsibility } from './command-data.ts';
import type { ResponsibilityLink } from './command-types.ts';
import { ResponsibilityForm } from './responsibility-form.tsx';
import { anchorLabel, editableAnchors } from './responsibility-model.ts';

/** Who answers for the grid at each level up to the district, and the heads of the departments serving it. */
export function ResponsibilityPanel({ gridId, compact = false }: { gridId: string; compact?: boolean }) {
  const { t } = useTranslation();
  const lang = useLanguage();
  const ids = useId();
  const chain = useResponsibility(gridId);
  const [editing, setEditing] = useState(false);
  const levelName = (level: string) => t(level === 'department' ? 'command.responsibility.department' : `levels.${level}`);
  const roleName = (role: string) => (role === 'grid_worker' ? t('roles.grid_worker') : role);

  const linkItem = (link: ResponsibilityLink) => (
    <li key={link.node?.id ?? link.department?.id ?? link.level} className="gl-command-chain-link" data-testid="chain-link" data-level={link.level}>
      <span className="gl-command-chain-where">{anchorLabel(link, lang, levelName)}</span>
      {link.people.length === 0 ? (
        <span className="gl-muted">{t('command.responsibility.nobody')}</span>
      ) : (
        <ul className="gl-command-chain-people">
          {link.people.map((p) => (
            <li key={`${p.role}|${p.name}|${p.userId ?? ''}|${p.phone ?? ''}`}>
              <span className="gl-command-chain-role">{roleName(p.role)}</span> {p.name}
              {p.phone ? <span className="gl-command-chain-phone"> · {p.phone}</span> : null}
            </li>
          ))}
        </ul>
      )}
    </li>
  );

  return (
    <section className="gl-panel gl-command-responsibility" aria-labelledby={`${ids}-title`} data-testid="command-responsibility">
      <div className="gl-command-chart-head">
        <h2 id={`${ids}-title`} className="gl-panel-title">
          {t('command.responsibility.title')}
        </h2>
        {chain.data?.chain.some((l) => l.editable) && !editing && !compact ? (
          <Button size="small" icon={<EditOutlined aria-hidden="true" />} onClick={() => setEditing(true)} data-testid="responsibility-edit">
            {t('command.responsibility.edit')}
          </Button>
        ) : null}
      </div>
      {chain.isError ? <Alert type="error" showIcon title={errorText(t, chain.error)} /> : null}
      {chain.isPending ? <Skeleton active paragraph={{ rows: 3 }} /> : null}
      {chain.data && editing ? (
        <ResponsibilityForm
          chain={chain.data}
          gridId={gridId}
          editable={editableAnchors(chain.data)}
          levelName={levelName}
          onDone={() => setEditing(false)}
        />
      ) : chain.data ? (
        <ol className="gl-command-chain">{chain.data.chain.map(linkItem)}</ol>
      ) : null}
      {chain.data?.masked && !editing ? <p className="gl-muted">{t('command.responsibility.masked')}</p> : null}
    </section>
  );
}
