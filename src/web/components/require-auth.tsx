import { Button, Result } from 'antd';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate, useLocation } from 'react-router';
import { ApiError } from '../api.ts';
import { errorText } from '../lib/error-text.ts';
import { useSession } from '../session.ts';
import { PageFallback } from './page-fallback.tsx';

export function RequireAuth({ children }: { children: ReactNode }) {
  const { t } = useTranslation();
  const location = useLocation();
  const session = useSession();

  if (session.isPending) return <PageFallback />;
  if (session.isError) {
    if (session.error instanceof ApiError && session.error.status === 401) {
      const next = `${location.pathname}${location.search}`;
      const to = next === '/' ? '/login' : `/login?next=${encodeURIComponent(next)}`;
      return <Navigate to={to} replace />;
    }
    return (
      <main className="gl-center-page">
        <Result
          status="error"
          title={<h1 className="gl-result-title">{t('errors.loadFailed')}</h1>}
          subTitle={errorText(t, session.error)}
          extra={
            <Button type="primary" onClick={() => session.refetch()}>
              {t('errors.retry')}
            </Button>
          }
        />
      </main>
    );
  }
  return <>{children}</>;
}
