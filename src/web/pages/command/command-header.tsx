import { DesktopOutlined, FullscreenOutlined, LayoutOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { formatDateTime } from '../../lib/format.ts';
import type { StreamStatus } from '../../lib/use-case-stream.ts';
import { useLanguage } from '../../lib/use-language.ts';
import { CommandBreadcrumb } from './command-breadcrumb.tsx';
import type { Summary } from './command-types.ts';
import { nodeName } from './dashboard-model.ts';
import { LiveStatus } from './live-status.tsx';
import type { Period } from './period.ts';
import { PeriodPicker } from './period-picker.tsx';

interface CommandHeaderProps {
  mode: 'desk' | 'wall';
  summary: Summary | undefined;
  status: StreamStatus;
  period: Period;
  today: string;
  timezone: string;
  onPeriod: (p: Period) => void;
  hrefFor: (id: string | undefined, mode?: 'desk' | 'wall') => string;
}

function enterFullscreen() {
  void document.documentElement.requestFullscreen?.().catch(() => undefined);
}

/** Title and breadcrumb of the node, the period, the live status, and the switch between desk and wall. */
export function CommandHeader({ mode, summary, status, period, today, timezone, onPeriod, hrefFor }: CommandHeaderProps) {
  const { t } = useTranslation();
  const lang = useLanguage();
  const title = summary ? t('command.titleAt', { name: nodeName(summary.node, lang) }) : t('command.title');
  return (
    <header className="gl-command-header">
      <div className="gl-command-heading">
        <h1 className="gl-page-title" data-testid="command-title">
          {title}
        </h1>
        {summary ? <CommandBreadcrumb ancestors={summary.ancestors} node={summary.node} hrefFor={(id) => hrefFor(id)} /> : null}
      </div>
      <div className="gl-command-toolbar">
        <PeriodPicker period={period} today={today} onChange={onPeriod} />
        <LiveStatus status={status} />
        {summary ? (
          <span className="gl-command-asof" data-testid="command-asof">
            {t('command.asOf', { time: formatDateTime(summary.asOf, lang, timezone) })}
          </span>
        ) : null}
        {mode === 'desk' ? (
          <Link className="gl-button-link" to={hrefFor(summary?.node.id, 'wall')} data-testid="open-wall">
            <DesktopOutlined aria-hidden="true" /> {t('command.wallMode')}
          </Link>
        ) : (
          <>
            <button type="button" className="gl-button-link" onClick={enterFullscreen} data-testid="wall-fullscreen">
              <FullscreenOutlined aria-hidden="true" /> {t('command.fullscreen')}
            </button>
            <Link className="gl-button-link" to={hrefFor(summary?.node.id, 'desk')} data-testid="open-desk">
              <LayoutOutlined aria-hidden="true" /> {t('command.deskMode')}
            </Link>
          </>
        )}
      </div>
    </header>
  );
}
