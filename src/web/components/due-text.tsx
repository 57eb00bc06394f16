import { useTranslation } from 'react-i18next';
import { formatDateTime, minutesUntil, spanOf } from '../lib/format.ts';
import { useLanguage } from '../lib/use-language.ts';
import { useTimezone } from '../lib/reference-data.ts';

/** "Due in 3 h" or "Overdue by 2 d", with the exact time in the server's zone beside it for those who need it. */
export function DueText({ iso, now, compact = false }: { iso: string | null; now?: Date; compact?: boolean }) {
  const { t } = useTranslation();
  const lang = useLanguage();
  const timezone = useTimezone();
  if (!iso) return null;
  const minutes = minutesUntil(iso, now);
  const span = spanOf(Math.abs(minutes));
  const spanText = t(`units.${span.unit}`, { count: span.value });
  return (
    <span className={minutes < 0 ? 'gl-due gl-due-over' : 'gl-due'}>
      {minutes < 0 ? t('due.overdue', { span: spanText }) : t('due.in', { span: spanText })}
      {compact ? (
        <span className="gl-due-at gl-due-at-below">{formatDateTime(iso, lang, timezone)}</span>
      ) : (
        <span className="gl-due-at"> · {formatDateTime(iso, lang, timezone)}</span>
      )}
    </span>
  );
}

export function DateTime({ iso }: { iso: string | null | undefined }) {
  const lang = useLanguage();
  const timezone = useTimezone();
  if (!iso) return null;
  return <time dateTime={iso}>{formatDateTime(iso, lang, timezone)}</time>;
}
