import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import type { ReportResult } from '../../case-types.ts';
import { PublicLayout } from '../../components/public-layout.tsx';
import { ReportForm } from './report-form.tsx';
import { ReportSuccess } from './report-success.tsx';

const CATEGORY_CODE = /^[CE]\d{4}$/;

/** The resident's report page: public, phone first, no sign-in. */
export function ReportPage() {
  const { t } = useTranslation();
  const [params] = useSearchParams();
  const [result, setResult] = useState<ReportResult | null>(null);
  // A new form after "report another": the key remounts it empty.
  const [formKey, setFormKey] = useState(0);
  const category = params.get('category') ?? undefined;

  useEffect(() => {
    document.title = `${t('report.title')} · ${t('app.name')}`;
  }, [t]);

  useEffect(() => {
    if (result) window.scrollTo({ top: 0 });
  }, [result]);

  return (
    <PublicLayout>
      {result ? (
        <ReportSuccess
          result={result}
          onAnother={() => {
            setResult(null);
            setFormKey((k) => k + 1);
          }}
        />
      ) : (
        <>
          <h1 className="gl-page-title">{t('report.title')}</h1>
          <p className="gl-page-intro">{t('report.intro')}</p>
          <ReportForm
            key={formKey}
            mode="resident"
            submitLabel={t('report.submit')}
            onDone={setResult}
            initialCategory={category && CATEGORY_CODE.test(category) ? category : undefined}
          />
        </>
      )}
    </PublicLayout>
  );
}
