import { Button } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { CaseDetail } from '../../case-types.ts';
import { StateTag } from '../../components/case-badges.tsx';

/** Open or recent cases of the same category close by; the clerk merges a duplicate into one of them. */
export function CaseDuplicates({ detail, onMerge }: { detail: CaseDetail; onMerge: (primaryCaseId: string) => void }) {
  const { t } = useTranslation();
  const mayMerge = detail.actions.includes('merge');
  return (
    <section className="gl-panel" aria-labelledby="case-duplicates-title" data-testid="case-duplicates">
      <h2 id="case-duplicates-title" className="gl-panel-title">
        {t('duplicates.title', { count: detail.duplicateCandidates.length })}
      </h2>
      {detail.duplicateCandidates.length === 0 ? (
        <p className="gl-muted">{t('duplicates.none')}</p>
      ) : (
        <ul className="gl-duplicates">
          {detail.duplicateCandidates.map((c) => (
            <li key={c.id} className="gl-duplicate">
              <Link to={`/cases/${c.id}`}>{c.number}</Link>
              <StateTag state={c.state} />
              <span className="gl-muted">{t('duplicates.distance', { distance: Math.round(c.distanceM) })}</span>
              {mayMerge ? (
                <Button size="small" onClick={() => onMerge(c.id)} aria-label={t('duplicates.mergeIntoNamed', { number: c.number })}>
                  {t('duplicates.mergeInto')}
                </Button>
              ) : null}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
