import { Alert, Button, Skeleton } from 'antd';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { InboxQueue } from '../../case-types.ts';
import { CaseCard } from '../../components/case-card.tsx';
import { errorText } from '../../lib/error-text.ts';
import { type StreamStatus, useCaseStream } from '../../lib/use-case-stream.ts';
import { localName, useLanguage } from '../../lib/use-language.ts';
import { useInbox, useJurisdictionNames } from '../cases/case-data.ts';
import { overdueCount, QUEUE_STATE, sortedQueue } from './inbox-model.ts';

function LiveStatus({ status }: { status: StreamStatus }) {
  const { t } = useTranslation();
  return (
    <span className={`gl-live gl-live-${status}`} data-testid="live-status" data-status={status}>
      <span className="gl-live-dot" aria-hidden="true" />
      {t(`inbox.stream.${status}`)}
    </span>
  );
}

function QueueSection({ queue, gridName }: { queue: InboxQueue; gridName: (id: string | null) => string | undefined }) {
  const { t } = useTranslation();
  const red = overdueCount(queue);
  const state = QUEUE_STATE[queue.name];
  const headingId = `queue-${queue.name}`;
  return (
    <section className="gl-queue" aria-labelledby={headingId} data-testid={`queue-${queue.name}`} data-total={queue.total}>
      <h2 id={headingId} className="gl-queue-title">
        <span>{t(`queue.${queue.name}`, { defaultValue: queue.name })}</span>
        <span className="gl-count" aria-hidden="true">
          {queue.total}
        </span>
        <span className="gl-visually-hidden">{t('inbox.count', { count: queue.total })}</span>
        {red > 0 ? <span className="gl-queue-red">{t('inbox.overdue', { count: red })}</span> : null}
      </h2>
      {queue.items.length === 0 ? (
        <p className="gl-muted">{t('inbox.queueEmpty')}</p>
      ) : (
        <ul className="gl-card-list">
          {queue.items.map((c) => (
            <li key={c.id}>
              <CaseCard item={c} gridName={gridName(c.gridId)} />
            </li>
          ))}
        </ul>
      )}
      {queue.total > queue.items.length ? (
        <p className="gl-muted">
          {t('inbox.more', { shown: queue.items.length, total: queue.total })}{' '}
          {state ? <Link to={`/cases?state=${state}`}>{t('inbox.seeAll')}</Link> : null}
        </p>
      ) : null}
    </section>
  );
}

/** Each of the user's queues, the most urgent cases first, kept current by server-sent events. */
export function InboxPage() {
  const { t } = useTranslation();
  const lang = useLanguage();
  const inbox = useInbox();
  const places = useJurisdictionNames();
  const status = useCaseStream();

  useEffect(() => {
    document.title = `${t('inbox.title')} · ${t('app.name')}`;
  }, [t]);

  const gridName = (id: string | null) => {
    const j = id ? places.get(id) : undefined;
    return j ? localName(j, lang) : undefined;
  };
  const queues = (inbox.data ?? []).map(sortedQueue);
  const waiting = queues.reduce((n, q) => n + q.total, 0);

  return (
    <div className="gl-page gl-inbox" data-testid="inbox-page">
      <div className="gl-page-head">
        <h1 className="gl-page-title">{t('inbox.title')}</h1>
        <LiveStatus status={status} />
      </div>
      {inbox.isError ? (
        <Alert
          type="error"
          showIcon
          title={t('errors.loadFailed')}
          description={errorText(t, inbox.error)}
          action={<Button onClick={() => inbox.refetch()}>{t('errors.retry')}</Button>}
        />
      ) : null}
      {!inbox.data ? (
        inbox.isError ? null : <Skeleton active paragraph={{ rows: 6 }} />
      ) : queues.length === 0 ? (
        <p className="gl-muted">{t('inbox.noQueues')}</p>
      ) : (
        <>
          <nav className="gl-queue-nav" aria-label={t('inbox.queues')}>
            <ul className="gl-queue-nav-list">
              {queues.map((q) => (
                <li key={q.name}>
                  <a href={`#queue-${q.name}`} className={overdueCount(q) > 0 ? 'gl-queue-link gl-queue-link-red' : 'gl-queue-link'}>
                    {t(`queue.${q.name}`, { defaultValue: q.name })} <span className="gl-count">{q.total}</span>
                  </a>
                </li>
              ))}
            </ul>
          </nav>
          <p className="gl-list-summary" role="status">
            {waiting === 0 ? t('inbox.empty') : t('inbox.waiting', { count: waiting })}
          </p>
          <div className="gl-queues">
            {queues.map((q) => (
              <QueueSection key={q.name} queue={q} gridName={gridName} />
            ))}
          </div>
        </>
      )}
    </div>
  );
}
