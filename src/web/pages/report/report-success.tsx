import { CheckCircleFilled, CopyOutlined } from '@ant-design/icons';
import { Button } from 'antd';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ReportResult } from '../../case-types.ts';
import { ButtonLink } from '../../components/button-link.tsx';

/** The tracking code, big: it is shown once, and it is the resident's only key to the report. */
export function ReportSuccess({ result, onAnother }: { result: ReportResult; onAnother: () => void }) {
  const { t } = useTranslation();
  const headingRef = useRef<HTMLHeadingElement>(null);
  const codeRef = useRef<HTMLElement>(null);
  const [copy, setCopy] = useState<'idle' | 'copied' | 'failed'>('idle');

  // Move focus to the outcome, so that a screen reader announces it and the keyboard continues from there.
  useEffect(() => headingRef.current?.focus(), []);

  const copyCode = async () => {
    try {
      await navigator.clipboard.writeText(result.trackingCode);
      setCopy('copied');
    } catch {
      // No clipboard (an insecure origin, a refused permission): select the code for a manual copy instead.
      const range = document.createRange();
      if (codeRef.current) range.selectNodeContents(codeRef.current);
      const selection = window.getSelection();
      selection?.removeAllRanges();
      selection?.addRange(range);
      setCopy('failed');
    }
  };

  return (
    <section className="gl-success" aria-labelledby="report-success-title" data-testid="report-success">
      <CheckCircleFilled className="gl-success-icon" aria-hidden="true" />
      <h1 id="report-success-title" className="gl-page-title" tabIndex={-1} ref={headingRef}>
        {t('reportSuccess.title')}
      </h1>
      {result.merged ? <p>{t('reportSuccess.merged')}</p> : null}
      <dl className="gl-success-facts">
        <dt>{t('reportSuccess.codeLabel')}</dt>
        <dd>
          <code className="gl-tracking-code" ref={codeRef} data-testid="tracking-code">
            {result.trackingCode}
          </code>
        </dd>
        <dt>{t('reportSuccess.numberLabel')}</dt>
        <dd data-testid="case-number">{result.caseNumber}</dd>
      </dl>
      <p className="gl-success-hint">{t('reportSuccess.codeHint')}</p>
      <div className="gl-success-actions">
        <Button icon={<CopyOutlined />} onClick={copyCode} data-testid="copy-code">
          {t('reportSuccess.copy')}
        </Button>
        <ButtonLink primary to={`/track/${encodeURIComponent(result.trackingCode)}`} data-testid="track-link">
          {t('reportSuccess.track')}
        </ButtonLink>
      </div>
      <p role="status" className="gl-copy-status">
        {copy === 'copied' ? t('reportSuccess.copied') : copy === 'failed' ? t('reportSuccess.copyFailed') : ''}
      </p>
      <Button type="link" onClick={onAnother} data-testid="report-another">
        {t('reportSuccess.another')}
      </Button>
    </section>
  );
}
