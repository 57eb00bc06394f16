import { Skeleton } from 'antd';
import { useTranslation } from 'react-i18next';
import { StateTag } from '../../components/case-badges.tsx';
import { DateTime } from '../../components/due-text.tsx';
import { errorText } from '../../lib/error-text.ts';
import { useTimeline } from './case-data.ts';

/** Every action on the case, oldest first: when, who (by role), the state it led to, and why. */
export function CaseTimeline({ caseId }: { caseId: string }) {
  const { t } = useTranslation();
  const timeline = useTimeline(caseId);
  return (
    <section className="gl-panel" aria-labelledby="case-timeline-title" data-testid="case-timeline">
      <h2 id="case-timeline-title" className="gl-panel-title">
        {t('timeline.title')}
      </h2>
      {timeline.isError ? <p className="gl-field-error">{errorText(t, timeline.error)}</p> : null}
      {!timeline.data ? (
        timeline.isError ? null : <Skeleton active paragraph={{ rows: 3 }} />
      ) : (
        <ol className="gl-timeline">
          {timeline.data.map((e) => {
            const role = e.role ? t(`roles.${e.role}`, { defaultValue: t(`actor.${e.role}`, { defaultValue: e.role }) }) : null;
            return (
              <li key={e.id} className="gl-timeline-item" data-action={e.action}>
                <DateTime iso={e.at} />
                <span className="gl-timeline-action">{t(`caseAction.${e.action}`, { defaultValue: e.action })}</span>
                {e.to && e.to !== e.from ? <StateTag state={e.to} /> : null}
                {role ? <span className="gl-muted">{t('timeline.by', { role })}</span> : null}
                {e.reason ? <p className="gl-timeline-text">{t('timeline.reason', { text: e.reason })}</p> : null}
                {e.note ? <p className="gl-timeline-text">{t('timeline.note', { text: e.note })}</p> : null}
              </li>
            );
          })}
        </ol>
      )}
    </section>
  );
}
