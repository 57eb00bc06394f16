import { useTranslation } from 'react-i18next';
import type { CaseDetail } from '../../case-types.ts';
import { LightBadge } from '../../components/case-badges.tsx';
import { DateTime } from '../../components/due-text.tsx';
import { spanOf } from '../../lib/format.ts';
import { useCalendar } from '../../lib/reference-data.ts';
import { minutesPerWorkingDay } from '../admin/calendar-model.ts';

/** Each stage's clock: its limit in the category's time base, when it started, its deadline and light. */
export function CaseClocks({ detail }: { detail: CaseDetail }) {
  const { t } = useTranslation();
  const calendar = useCalendar();
  const perDay = minutesPerWorkingDay(calendar.data?.workingHours);
  const limitText = (minutes: number, base: 'working' | 'natural') => {
    const span = spanOf(minutes, base === 'working' ? perDay : 1440);
    return t(base === 'working' ? `units.working_${span.unit}` : `units.${span.unit}`, { count: span.value });
  };
  return (
    <section className="gl-panel" aria-labelledby="case-clocks-title" data-testid="case-clocks">
      <h2 id="case-clocks-title" className="gl-panel-title">
        {t('clocks.title')}
      </h2>
      <table className="gl-table">
        <caption className="gl-visually-hidden">{t('clocks.table')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('clocks.stage')}</th>
            <th scope="col">{t('clocks.limit')}</th>
            <th scope="col">{t('clocks.started')}</th>
            <th scope="col">{t('clocks.deadline')}</th>
            <th scope="col">{t('clocks.status')}</th>
          </tr>
        </thead>
        <tbody>
          {detail.clocks.map((c) => (
            <tr key={`${c.stage}-${c.startedAt}`}>
              <th scope="row">{t(`stage.${c.stage}`, { defaultValue: c.stage })}</th>
              <td>{limitText(c.limitMinutes, c.base)}</td>
              <td>
                <DateTime iso={c.startedAt} />
              </td>
              <td>{c.deadlineAt ? <DateTime iso={c.deadlineAt} /> : '—'}</td>
              <td>
                {c.stoppedAt ? (
                  <span className="gl-muted">
                    {t('clocks.stopped')} <DateTime iso={c.stoppedAt} />
                  </span>
                ) : (
                  <LightBadge light={c.light} parked={c.paused} />
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
