import { Alert, Button, Descriptions, type DescriptionsProps, Image, Skeleton, Spin } from 'antd';
import { lazy, Suspense, useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { useParams } from 'react-router';
import { ApiError } from '../../api.ts';
import { StateTag } from '../../components/case-badges.tsx';
import { DateTime } from '../../components/due-text.tsx';
import { PublicLayout } from '../../components/public-layout.tsx';
import { errorText } from '../../lib/error-text.ts';
import { useConfig } from '../../session.ts';
import { useTerritoryOutline } from '../territory/territory-data.ts';
import { ReporterRate, ReporterVerify } from './reporter-actions.tsx';
import { useTracking } from './tracking-data.ts';

const PointMap = lazy(() => import('../../components/map/point-map.tsx').then((m) => ({ default: m.PointMap })));

/** What a resident sees with the tracking code: status, progress and photos, no staff names, no contacts. */
export function TrackingPage() {
  const { t } = useTranslation();
  const { code = '' } = useParams();
  const config = useConfig();
  const tracking = useTracking(code);
  const outline = useTerritoryOutline();
  const view = tracking.data;

  useEffect(() => {
    document.title = `${view ? t('track.title', { number: view.number }) : t('track.lookupTitle')} · ${t('app.name')}`;
  }, [t, view]);

  if (tracking.isError) {
    const notFound = tracking.error instanceof ApiError && tracking.error.status === 404;
    return (
      <PublicLayout>
        <h1 className="gl-page-title">{t('track.lookupTitle')}</h1>
        <Alert
          type={notFound ? 'warning' : 'error'}
          showIcon
          title={notFound ? t('track.notFound') : t('errors.loadFailed')}
          description={errorText(t, tracking.error)}
          action={notFound ? null : <Button onClick={() => tracking.refetch()}>{t('errors.retry')}</Button>}
        />
      </PublicLayout>
    );
  }
  if (!view) {
    return (
      <PublicLayout>
        <Skeleton active paragraph={{ rows: 6 }} />
      </PublicLayout>
    );
  }

  const facts: DescriptionsProps['items'] = [
    { key: 'category', label: t('track.category'), children: view.categoryName },
    { key: 'description', label: t('track.description'), children: <span className="gl-prewrap">{view.description}</span> },
    ...(view.address ? [{ key: 'address', label: t('track.address'), children: view.address }] : []),
    { key: 'reported', label: t('track.reportedAt'), children: <DateTime iso={view.reportedAt} /> },
    ...(view.deadlineAt && !view.closedAt
      ? [{ key: 'deadline', label: t('track.deadline'), children: <DateTime iso={view.deadlineAt} /> }]
      : []),
    ...(view.closedAt ? [{ key: 'closed', label: t('track.closedAt'), children: <DateTime iso={view.closedAt} /> }] : []),
    ...(view.supporters > 0
      ? [{ key: 'supporters', label: t('track.supportersLabel'), children: t('track.supporters', { count: view.supporters }) }]
      : []),
  ];

  return (
    <PublicLayout>
      <h1 className="gl-page-title">{t('track.title', { number: view.number })}</h1>
      <section className="gl-panel gl-track-status" aria-labelledby="track-status" data-testid="tracking-status">
        <h2 id="track-status" className="gl-panel-title">
          {t('track.status')}
        </h2>
        <p className="gl-track-state">
          <StateTag state={view.state} />
          <span>{t(`trackState.${view.state}`, { defaultValue: '' })}</span>
        </p>
        {view.merged ? (
          <p className="gl-track-merged" data-testid="tracking-merged">
            {view.mergedInto ? (
              <>
                <span>{t('track.mergedInto', { number: view.mergedInto.number })}</span>
                <StateTag state={view.mergedInto.state} />
                <span>{t(`trackState.${view.mergedInto.state}`, { defaultValue: '' })}</span>
              </>
            ) : (
              <span>{t('track.mergedElsewhere')}</span>
            )}
          </p>
        ) : null}
        {view.rating !== null ? (
          <p className="gl-track-rated" role="status" data-testid="tracking-rated">
            {t('track.rated', { rating: view.rating })}
          </p>
        ) : null}
      </section>
      {view.actions.includes('verify_pass') || view.actions.includes('verify_fail') ? <ReporterVerify code={code} /> : null}
      {view.actions.includes('rate') ? <ReporterRate code={code} /> : null}
      <section className="gl-panel" aria-labelledby="track-facts">
        <h2 id="track-facts" className="gl-panel-title">
          {t('track.facts')}
        </h2>
        <Descriptions size="small" column={1} items={facts} className="gl-descriptions" />
      </section>
      <section className="gl-panel" aria-labelledby="track-progress">
        <h2 id="track-progress" className="gl-panel-title">
          {t('track.progress')}
        </h2>
        <ol className="gl-timeline" data-testid="tracking-timeline">
          {view.timeline.map((e) => (
            <li key={`${e.at}-${e.action}`} className="gl-timeline-item">
              <DateTime iso={e.at} />
              <span className="gl-timeline-action">{t(`caseAction.${e.action}`, { defaultValue: e.action })}</span>
              {e.to && e.to !== e.from ? <StateTag state={e.to} /> : null}
            </li>
          ))}
        </ol>
      </section>
      {view.photos.length > 0 ? (
        <section className="gl-panel" aria-labelledby="track-photos">
          <h2 id="track-photos" className="gl-panel-title">
            {t('track.photos')}
          </h2>
          <ul className="gl-photo-grid">
            {view.photos.map((p, i) => (
              <li key={p.id}>
                <Image
                  src={p.url}
                  width={104}
                  height={104}
                  alt={t('photos.alt', { kind: t(`photoKind.${p.kind}`, { defaultValue: p.kind }), index: i + 1 })}
                />
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      <section className="gl-panel" aria-labelledby="track-map">
        <h2 id="track-map" className="gl-panel-title">
          {t('track.location')}
        </h2>
        <Suspense fallback={<div className="gl-map gl-point-map gl-map-loading"><Spin /></div>}>
          <PointMap
            lat={view.lat}
            lng={view.lng}
            outline={outline.data}
            basemapStyleUrl={config.data?.basemapStyleUrl ?? null} label={t('track.mapLabel')} />
        </Suspense>
      </section>
    </PublicLayout>
  );
}
