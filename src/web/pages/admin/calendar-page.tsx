import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { Alert, Button, Input, Skeleton } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { errorText } from '../../lib/error-text.ts';
import { useCalendar } from '../../lib/reference-data.ts';
import { useSaveWorkingHours } from './admin-data.ts';
import { checkWorkingHours } from './calendar-model.ts';
import { YearEditor } from './year-editor.tsx';

function WorkingHours({ initial }: { initial: Array<[string, string]> }) {
  const { t } = useTranslation();
  const save = useSaveWorkingHours();
  const [hours, setHours] = useState(initial);
  const [saved, setSaved] = useState(false);
  useEffect(() => setHours(initial), [initial]);
  const check = checkWorkingHours(hours);
  const set = (i: number, j: 0 | 1, v: string) => {
    setSaved(false);
    setHours((h) => h.map((p, k) => (k === i ? ((j === 0 ? [v, p[1]] : [p[0], v]) as [string, string]) : p)));
  };
  return (
    <section className="gl-panel" aria-labelledby="hours-title" data-testid="working-hours">
      <h2 id="hours-title" className="gl-panel-title">
        {t('adminCalendar.hours')}
      </h2>
      <ol className="gl-hours">
        {hours.map(([from, to], i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: periods have no identity but their place in the day
          <li key={i} className="gl-hours-row">
            <label htmlFor={`hours-${i}-from`}>{t('adminCalendar.periodFrom', { n: i + 1 })}</label>
            <Input id={`hours-${i}-from`} type="time" value={from} onChange={(e) => set(i, 0, e.target.value)} />
            <label htmlFor={`hours-${i}-to`}>{t('adminCalendar.periodTo', { n: i + 1 })}</label>
            <Input id={`hours-${i}-to`} type="time" value={to} onChange={(e) => set(i, 1, e.target.value)} />
            <Button
              icon={<DeleteOutlined />}
              disabled={hours.length <= 1}
              aria-label={t('adminCalendar.removePeriod', { n: i + 1 })}
              onClick={() => setHours((h) => h.filter((_, k) => k !== i))}
            />
          </li>
        ))}
      </ol>
      {check !== 'ok' ? <p className="gl-field-error">{t(`adminCalendar.hoursProblem.${check}`)}</p> : null}
      {save.isError ? <Alert type="error" showIcon title={errorText(t, save.error)} className="gl-form-alert" /> : null}
      <div className="gl-year-actions">
        <Button icon={<PlusOutlined />} disabled={hours.length >= 4} onClick={() => setHours((h) => [...h, ['18:00', '20:00']])}>
          {t('adminCalendar.addPeriod')}
        </Button>
        <Button type="primary" disabled={check !== 'ok'} loading={save.isPending} onClick={() => save.mutate(hours, { onSuccess: () => setSaved(true) })}>
          {t('adminCalendar.saveHours')}
        </Button>
        <span role="status" className="gl-muted">
          {saved ? t('adminCalendar.savedHours') : ''}
        </span>
      </div>
    </section>
  );
}

export function CalendarPage() {
  const { t } = useTranslation();
  const calendar = useCalendar();
  const [added, setAdded] = useState<number[]>([]);

  useEffect(() => {
    document.title = `${t('adminCalendar.title')} · ${t('app.name')}`;
  }, [t]);

  if (calendar.isError) return <div className="gl-page"><Alert type="error" showIcon title={errorText(t, calendar.error)} /></div>;
  const view = calendar.data;
  if (!view) return <div className="gl-page"><Skeleton active paragraph={{ rows: 8 }} /></div>;
  const known = new Set(view.years.map((y) => y.year));
  const missing = view.missingYears.filter((y) => !known.has(y));
  const newYears = added.filter((y) => !known.has(y));

  return (
    <div className="gl-page" data-testid="admin-calendar">
      <h1 className="gl-page-title">{t('adminCalendar.title')}</h1>
      <p className="gl-page-intro">{t('adminCalendar.intro', { timezone: view.timezone })}</p>
      {missing.length > 0 ? (
        <Alert
          type="warning"
          showIcon
          className="gl-form-alert"
          title={t('adminCalendar.missingTitle', { years: missing.join(', ') })}
          description={t('adminCalendar.missing')}
          data-testid="missing-years"
          action={
            <div className="gl-alert-actions">
              {missing.filter((y) => !added.includes(y)).map((y) => (
                <Button key={y} size="small" onClick={() => setAdded((a) => [...a, y])}>
                  {t('adminCalendar.enterYear', { year: y })}
                </Button>
              ))}
            </div>
          }
        />
      ) : null}
      <WorkingHours initial={view.workingHours} />
      {newYears.map((y) => (
        <YearEditor key={y} isNew data={{ year: y, holidays: [], workdays: [], source: null }} />
      ))}
      {[...view.years].reverse().map((y) => (
        <YearEditor key={y.year} isNew={false} data={y} />
      ))}
    </div>
  );
}
