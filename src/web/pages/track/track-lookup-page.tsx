import { Button, Form, Input } from 'antd';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { PublicLayout } from '../../components/public-layout.tsx';
import { normaliseCode } from './tracking-data.ts';

/** Type the tracking code received when reporting. */
export function TrackLookupPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  useEffect(() => {
    document.title = `${t('track.lookupTitle')} · ${t('app.name')}`;
  }, [t]);
  return (
    <PublicLayout>
      <h1 className="gl-page-title">{t('track.lookupTitle')}</h1>
      <p className="gl-page-intro">{t('track.lookupIntro')}</p>
      <Form<{ code: string }>
        layout="vertical"
        requiredMark={false}
        className="gl-track-lookup"
        onFinish={({ code }) => navigate(`/track/${encodeURIComponent(normaliseCode(code))}`)}
      >
        <Form.Item
          name="code"
          label={t('track.code')}
          rules={[{ required: true, whitespace: true, message: t('track.codeRequired') }]}
        >
          <Input
            size="large"
            autoCapitalize="characters"
            autoComplete="off"
            spellCheck={false}
            placeholder="XXXX-XXXX-XXXX-XXXX"
            className="gl-code-input"
            data-testid="tracking-code-input"
          />
        </Form.Item>
        <Button type="primary" htmlType="submit" size="large" block data-testid="tracking-lookup-submit">
          {t('track.submit')}
        </Button>
      </Form>
    </PublicLayout>
  );
}
