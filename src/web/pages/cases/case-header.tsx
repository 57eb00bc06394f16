import { useTranslation } from 'react-i18next';
import type { CaseDetail } from '../../case-types.ts';
import { LightBadge, StateTag } from '../../components/case-badges.tsx';
import { DueText } from '../../components/due-text.tsx';
import { formatDateTime } from '../../lib/format.ts';
import { useTimezone } from '../../lib/reference-data.ts';
import { useLanguage } from '../../lib/use-language.ts';

/** Number, state, traffic light, the running stage's deadline and the flags that change how a case is worked. */
export function CaseHeader({ detail }: { detail: CaseDetail }) {
  const { t } = useTranslation();
  const lang = useLanguage();
  const timezone = useTimezone();
  const flags: string[] = [];
  if (detail.triage) flags.push(t('caseFlag.triage'));
  if (detail.parkRequested) flags.push(t('caseFlag.parkRequested'));
  if (detail.extensionRequested) {
    flags.push(
      detail.requestedDeadline
        ? t('caseFlag.extensionRequestedTo', { deadline: formatDateTime(detail.requestedDeadline, lang, timezone) })
        : t('caseFlag.extensionRequested'),
    );
  }
  if (detail.supervised) flags.push(t('caseFlag.supervised'));
  if (detail.escalationLevel > 0) flags.push(t('caseFlag.escalated', { level: detail.escalationLevel }));
  if (detail.reworkCount > 0) flags.push(t('caseFlag.rework', { count: detail.reworkCount }));
  if (detail.supporters > 0) flags.push(t('caseFlag.supporters', { count: detail.supporters }));
  return (
    <header className="gl-case-header" data-testid="case-header">
      <h1 className="gl-page-title gl-case-title">
        {t('casePage.title', { number: detail.number })}
      </h1>
      <div className="gl-case-status">
        <StateTag state={detail.state} />
        <LightBadge light={detail.light} parked={detail.parked} />
        {detail.stage && detail.stageDeadlineAt ? (
          <span className="gl-case-due">
            <span className="gl-muted">{t('casePage.stageDue', { stage: t(`stage.${detail.stage}`) })} </span>
            <DueText iso={detail.stageDeadlineAt} />
          </span>
        ) : null}
      </div>
      {flags.length > 0 ? (
        <ul className="gl-flags" aria-label={t('casePage.flags')}>
          {flags.map((f) => (
            <li key={f} className="gl-flag">
              {f}
            </li>
          ))}
        </ul>
      ) : null}
    </header>
  );
}
