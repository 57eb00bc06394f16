import { Alert, Button, Skeleton, Spin } from 'antd';
import { lazy, Suspense, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { ApiError } from '../../api.ts';
import type { CaseAction } from '../../case-types.ts';
import { errorText } from '../../lib/error-text.ts';
import { useCaseStream } from '../../lib/use-case-stream.ts';
import { useIsPhone } from '../../lib/use-media-query.ts';
import { useConfig } from '../../session.ts';
import { useTerritoryOutline } from '../territory/territory-data.ts';
import { ActionDialog } from './action-dialog.tsx';
import type { ActionValues } from './action-specs.ts';
import { CaseActions } from './case-actions.tsx';
import { CaseClocks } from './case-clocks.tsx';
import { useCase } from './case-data.ts';
import { CaseDetails } from './case-details.tsx';
import { CaseDuplicates } from './case-duplicates.tsx';
import { CaseHeader } from './case-header.tsx';
import { CasePhotos } from './case-photos.tsx';
import { CaseReporter } from './case-reporter.tsx';
import { CaseTimeline } from './case-timeline.tsx';

const PointMap = lazy(() => import('../../components/map/point-map.tsx').then((m) => ({ default: m.PointMap })));

export function CasePage() {
  const { t } = useTranslation();
  const { id = '' } = useParams();
  const isPhone = useIsPhone();
  const config = useConfig();
  const detail = useCase(id);
  const outline = useTerritoryOutline();
  const [open, setOpen] = useState<{ action: CaseAction; preset?: Partial<ActionValues> } | null>(null);
  const [done, setDone] = useState<CaseAction | null>(null);
  useCaseStream();
  const d = detail.data;

  useEffect(() => {
    document.title = `${d ? t('casePage.title', { number: d.number }) : t('casePage.loading')} · ${t('app.name')}`;
  }, [t, d]);

  if (detail.isError) {
    const notFound = detail.error instanceof ApiError && detail.error.status === 404;
    return (
      <div className="gl-page">
        <h1 className="gl-page-title">{notFound ? t('casePage.notFound') : t('errors.loadFailed')}</h1>
        <Alert
          type="error"
          showIcon
          title={errorText(t, detail.error)}
          action={notFound ? <Link to="/cases">{t('casePage.backToList')}</Link> : <Button onClick={() => detail.refetch()}>{t('errors.retry')}</Button>}
        />
      </div>
    );
  }
  if (!d) {
    return (
      <div className="gl-page">
        <Skeleton active paragraph={{ rows: 8 }} />
      </div>
    );
  }

  const actions = (
    <CaseActions
      detail={d}
      done={done}
      onOpen={(action) => {
        setDone(null);
        setOpen({ action });
      }}
    />
  );
  const map = (
    <section className="gl-panel" aria-labelledby="case-map-title">
      <h2 id="case-map-title" className="gl-panel-title">
        {t('casePage.location')}
      </h2>
      <Suspense fallback={<div className="gl-map gl-point-map gl-map-loading"><Spin /></div>}>
        <PointMap
          lat={d.lat}
          lng={d.lng}
          outline={outline.data}
          basemapStyleUrl={config.data?.basemapStyleUrl ?? null}
          label={t('casePage.mapLabel', { number: d.number })}
        />
      </Suspense>
    </section>
  );

  return (
    <div className={isPhone ? 'gl-page gl-case-page gl-case-page-phone' : 'gl-page gl-case-page'} data-testid="case-page" data-state={d.state}>
      <CaseHeader detail={d} />
      <div className="gl-case-body">
        <div className="gl-case-main">
          {isPhone ? actions : null}
          <CaseDetails detail={d} />
          <CasePhotos detail={d} />
          <CaseTimeline caseId={d.id} />
        </div>
        <div className="gl-case-side">
          {isPhone ? null : actions}
          {map}
          <CaseReporter detail={d} />
          <CaseDuplicates detail={d} onMerge={(primaryCaseId) => setOpen({ action: 'merge', preset: { primaryCaseId } })} />
          <CaseClocks detail={d} />
        </div>
      </div>
      <ActionDialog
        action={open?.action ?? null}
        preset={open?.preset}
        detail={d}
        onClose={() => setOpen(null)}
        onReload={() => {
          setOpen(null);
          void detail.refetch();
        }}
        onDone={(action) => {
          setOpen(null);
          setDone(action);
        }}
      />
    </div>
  );
}
