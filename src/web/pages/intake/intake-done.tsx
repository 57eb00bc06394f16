import { CheckCircleFilled } from '@ant-design/icons';
import { Button } from 'antd';
import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import type { ReportResult } from '../../case-types.ts';
import { ButtonLink } from '../../components/button-link.tsx';

/** After a staff report: the number, what happened to it (merged, triage, possible duplicates) and where to go next. */
export function IntakeDone({ result, onAnother }: { result: ReportResult; onAnother: () => void }) {
  const { t } = useTranslation();
  const headingRef = useRef<HTMLHeadingElement>(null);
  useEffect(() => headingRef.current?.focus(), []);
  return (
    <section className="gl-success gl-panel" aria-labelledby="intake-done-title" data-testid="intake-done">
      <CheckCircleFilled className="gl-success-icon" aria-hidden="true" />
      <h2 id="intake-done-title" className="gl-page-title" tabIndex={-1} ref={headingRef}>
        {t('intake.filed', { number: result.caseNumber })}
      </h2>
      <ul className="gl-intake-facts">
        <li>{t('intake.state', { state: t(`caseState.${result.state}`) })}</li>
        {result.merged ? <li>{t('intake.merged')}</li> : null}
        {result.triage ? <li>{t('intake.triage')}</li> : null}
        <li data-testid="duplicate-count" data-count={result.duplicateCandidates}>
          {result.duplicateCandidates > 0 ? t('intake.duplicates', { count: result.duplicateCandidates }) : t('intake.noDuplicates')}
        </li>
      </ul>
      <div className="gl-success-actions">
        <ButtonLink primary to={`/cases/${result.caseId}`} data-testid="open-filed-case">
          {t('intake.openCase')}
        </ButtonLink>
        <Button onClick={onAnother} data-testid="intake-another">
          {t('intake.another')}
        </Button>
      </div>
    </section>
  );
}
