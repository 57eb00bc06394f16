import { Image } from 'antd';
import { useTranslation } from 'react-i18next';
import type { CaseDetail } from '../../case-types.ts';

/** Staff see the photos as uploaded; grouped by when they came (report, on-site check, after handling). */
export function CasePhotos({ detail }: { detail: CaseDetail }) {
  const { t } = useTranslation();
  return (
    <section className="gl-panel" aria-labelledby="case-photos-title" data-testid="case-photos">
      <h2 id="case-photos-title" className="gl-panel-title">
        {t('casePage.photos')}
      </h2>
      {detail.attachments.length === 0 ? (
        <p className="gl-muted">{t('casePage.noPhotos')}</p>
      ) : (
        <ul className="gl-photo-grid">
          {detail.attachments.map((a, i) => {
            const kind = t(`photoKind.${a.kind}`, { defaultValue: a.kind });
            return (
              <li key={a.id} data-kind={a.kind}>
                <Image src={a.url} width={104} height={104} alt={t('photos.alt', { kind, index: i + 1 })} />
                <span className="gl-photo-caption">{kind}</span>
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
