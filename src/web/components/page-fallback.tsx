import { Spin } from 'antd';
import { useTranslation } from 'react-i18next';

export function PageFallback() {
  const { t } = useTranslation();
  return (
    <div className="gl-page-loading" role="status">
      <Spin />
      <span className="gl-page-loading-text">{t('app.loading')}</span>
    </div>
  );
}
