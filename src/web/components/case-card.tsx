import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { CaseSummary } from '../case-types.ts';
import { LightBadge, StateTag } from './case-badges.tsx';
import { DueText } from './due-text.tsx';

/** A case in a list on a phone or in the inbox: the link is the number, the rest says why it matters now. */
export function CaseCard({ item, gridName }: { item: CaseSummary; gridName?: string }) {
  const { t } = useTranslation();
  return (
    <article className="gl-case-card" data-testid="case-card" data-case-id={item.id} data-light={item.light ?? 'none'}>
      <header className="gl-case-card-head">
        <Link to={`/cases/${item.id}`} className="gl-case-card-number" data-testid="case-link">
          {item.number}
        </Link>
        <LightBadge light={item.light} parked={item.parked} />
      </header>
      <p className="gl-case-card-category">
        <StateTag state={item.state} />
        <span>{item.categoryName}</span>
        {item.priority !== 'normal' ? <span className="gl-flag">{t(`priority.${item.priority}`)}</span> : null}
      </p>
      <p className="gl-case-card-text">{item.description}</p>
      {item.address || gridName ? <p className="gl-muted gl-case-card-place">{[item.address, gridName].filter(Boolean).join(' · ')}</p> : null}
      {item.stageDeadlineAt && item.stage ? (
        <p className="gl-case-card-due">
          <span className="gl-muted">{t(`stage.${item.stage}`)}: </span>
          <DueText iso={item.stageDeadlineAt} />
        </p>
      ) : null}
    </article>
  );
}
