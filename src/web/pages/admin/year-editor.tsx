import { CloseOutlined, PlusOutlined } from '@ant-design/icons';
import { Alert, Button, Input } from 'antd';
import { useEffect, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CalendarYear } from '../../case-types.ts';
import { errorText } from '../../lib/error-text.ts';
import { formatDay } from '../../lib/format.ts';
import { useLanguage } from '../../lib/use-language.ts';
import { useSaveYear } from './admin-data.ts';
import { withDay, yearProblems } from './calendar-model.ts';

type Kind = 'holidays' | 'workdays';

function DayList({ year, kind, days, onChange }: { year: number; kind: Kind; days: string[]; onChange: (days: string[]) => void }) {
  const { t } = useTranslation();
  const lang = useLanguage();
  const inputId = useId();
  const [draft, setDraft] = useState('');
  const label = t(`adminCalendar.${kind}`);
  return (
    <div className="gl-day-list" data-testid={`${kind}-${year}`}>
      <h3 className="gl-subtitle">
        {label} <span className="gl-count">{days.length}</span>
      </h3>
      {days.length === 0 ? <p className="gl-muted">{t('adminCalendar.noDays')}</p> : null}
      <ul className="gl-days">
        {days.map((d) => (
          <li key={d} className="gl-day">
            <time dateTime={d}>{formatDay(d, lang)}</time>
            <Button
              size="small"
              type="text"
              icon={<CloseOutlined />}
              aria-label={t('adminCalendar.removeDay', { day: formatDay(d, lang), list: label })}
              onClick={() => onChange(days.filter((x) => x !== d))}
            />
          </li>
        ))}
      </ul>
      <div className="gl-day-add">
        <label htmlFor={inputId} className="gl-visually-hidden">
          {t('adminCalendar.addTo', { list: label })}
        </label>
        <Input id={inputId} type="date" min={`${year}-01-01`} max={`${year}-12-31`} value={draft} onChange={(e) => setDraft(e.target.value)} />
        <Button
          icon={<PlusOutlined />}
          disabled={!draft}
          onClick={() => {
            onChange(withDay(days, draft));
            setDraft('');
          }}
        >
          {t('adminCalendar.add')}
        </Button>
      </div>
    </div>
  );
}

/** A year's public holidays and make-up working days (調休), edited as lists and saved together. */
export function YearEditor({ data, isNew }: { data: CalendarYear; isNew: boolean }) {
  const { t } = useTranslation();
  const lang = useLanguage();
  const save = useSaveYear();
  const [holidays, setHolidays] = useState(data.holidays);
  const [workdays, setWorkdays] = useState(data.workdays);
  const [saved, setSaved] = useState(false);
  // Follow the server's lists after a save, compared by content (a new year's empty lists are fresh arrays each time).
  const holidaysKey = data.holidays.join(',');
  const workdaysKey = data.workdays.join(',');
  useEffect(() => {
    setHolidays(holidaysKey ? holidaysKey.split(',') : []);
    setWorkdays(workdaysKey ? workdaysKey.split(',') : []);
  }, [holidaysKey, workdaysKey]);
  const problems = yearProblems(data.year, holidays, workdays);
  const blocking = problems.some((p) => p.problem !== 'weekday_workday');
  const changed = isNew || holidays.join(',') !== holidaysKey || workdays.join(',') !== workdaysKey;
  const headingId = `year-${data.year}`;
  return (
    <section className="gl-panel gl-year" aria-labelledby={headingId} data-testid={`year-${data.year}`}>
      <h2 id={headingId} className="gl-panel-title">
        {data.year}
      </h2>
      {data.source ? <p className="gl-muted">{t('adminCalendar.source', { source: data.source })}</p> : null}
      <div className="gl-year-lists">
        <DayList year={data.year} kind="holidays" days={holidays} onChange={(d) => { setHolidays(d); setSaved(false); }} />
        <DayList year={data.year} kind="workdays" days={workdays} onChange={(d) => { setWorkdays(d); setSaved(false); }} />
      </div>
      {problems.length > 0 ? (
        <ul className="gl-problems">
          {problems.map((p) => (
            <li key={`${p.day}-${p.problem}`}>{t(`adminCalendar.problem.${p.problem}`, { day: formatDay(p.day, lang) })}</li>
          ))}
        </ul>
      ) : null}
      {save.isError ? <Alert type="error" showIcon title={errorText(t, save.error)} className="gl-form-alert" /> : null}
      <div className="gl-year-actions">
        <Button
          type="primary"
          disabled={!changed || blocking}
          loading={save.isPending}
          onClick={() => save.mutate({ year: data.year, holidays, workdays }, { onSuccess: () => setSaved(true) })}
          data-testid={`save-year-${data.year}`}
        >
          {t('adminCalendar.saveYear', { year: data.year })}
        </Button>
        <span role="status" className="gl-muted">
          {saved ? t('adminCalendar.savedYear', { year: data.year }) : ''}
        </span>
      </div>
    </section>
  );
}
