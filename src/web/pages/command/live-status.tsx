import { useTranslation } from 'react-i18next';
import type { StreamStatus } from '../../lib/use-case-stream.ts';

/** Whether the figures follow the city live; a status change is announced once, politely. */
export function LiveStatus({ status }: { status: StreamStatus }) {
  const { t } = useTranslation();
  return (
    <span className={`gl-command-live gl-command-live-${status}`} role="status" data-testid="live-status" data-status={status}>
      <span className="gl-command-live-dot" aria-hidden="true" />
      {t(`command.live.${status}`)}
    </span>
  );
}
