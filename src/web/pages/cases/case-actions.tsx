import { Button } from 'antd';
import { useTranslation } from 'react-i18next';
import type { CaseAction, CaseDetail } from '../../case-types.ts';
import { ACTION_SPECS, offeredActions } from './action-specs.ts';

interface CaseActionsProps {
  detail: CaseDetail;
  onOpen: (action: CaseAction) => void;
  /** The last action done here, announced to screen readers. */
  done: CaseAction | null;
}

/** Only what the server says this user may do now; each button opens that action's small form. */
export function CaseActions({ detail, onOpen, done }: CaseActionsProps) {
  const { t } = useTranslation();
  const actions = offeredActions(detail.actions);
  return (
    <section className="gl-panel gl-case-actions" aria-labelledby="case-actions-title" data-testid="case-actions">
      <h2 id="case-actions-title" className="gl-panel-title">
        {t('casePage.actions')}
      </h2>
      {actions.length === 0 ? (
        <p className="gl-muted">{t('casePage.noActions')}</p>
      ) : (
        <div className="gl-action-buttons">
          {actions.map((a, i) => (
            <Button
              key={a}
              type={i === 0 && ACTION_SPECS[a]?.forward ? 'primary' : 'default'}
              danger={ACTION_SPECS[a]?.danger}
              onClick={() => onOpen(a)}
              data-testid={`action-${a}`}
            >
              {t(`caseAction.${a}`)}
            </Button>
          ))}
        </div>
      )}
      <p role="status" className="gl-action-done" data-testid="action-done">
        {done ? t('casePage.done', { action: t(`caseAction.${done}`) }) : ''}
      </p>
    </section>
  );
}
