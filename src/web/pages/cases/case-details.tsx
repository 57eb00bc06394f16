import { Descriptions, type DescriptionsProps } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { CaseDetail } from '../../case-types.ts';
import { DateTime } from '../../components/due-text.tsx';
import { findSubCategory } from '../../lib/category-tree.ts';
import { formatDate } from '../../lib/format.ts';
import { useCategories, useDepartments } from '../../lib/reference-data.ts';
import { localName, useLanguage } from '../../lib/use-language.ts';
import { attributeRows } from './case-attributes.ts';
import { useJurisdictionNames } from './case-data.ts';

export function CaseDetails({ detail }: { detail: CaseDetail }) {
  const { t } = useTranslation();
  const lang = useLanguage();
  const places = useJurisdictionNames();
  const departments = useDepartments();
  const categories = useCategories();
  // A calendar day of the city (park review, supervision due): read at noon UTC so no zone moves it.
  const day = (d: string) => <time dateTime={d}>{formatDate(`${d}T12:00:00Z`, lang, 'UTC')}</time>;
  const deptName = (id: string | null) => {
    if (!id) return null;
    const d = departments.data?.find((x) => x.id === id);
    return d ? localName(d, lang) : t('casePage.unknownDepartment');
  };
  const grid = detail.gridId ? places.get(detail.gridId) : undefined;
  const unknown = t('territory.unknown');
  const items: DescriptionsProps['items'] = [
    { key: 'category', label: t('casePage.category'), children: `${detail.categoryCode} ${detail.category?.name ?? detail.categoryName}` },
    { key: 'description', label: t('casePage.description'), children: <span className="gl-prewrap">{detail.description}</span> },
    { key: 'address', label: t('casePage.address'), children: detail.address ?? unknown },
    { key: 'grid', label: t('casePage.grid'), children: grid ? localName(grid, lang) : detail.gridId ? unknown : t('casePage.noGrid') },
    { key: 'channel', label: t('casePage.channel'), children: t(`channel.${detail.channel}`, { defaultValue: detail.channel }) },
    { key: 'priority', label: t('casePage.priority'), children: t(`priority.${detail.priority}`, { defaultValue: detail.priority }) },
    { key: 'reported', label: t('casePage.reportedAt'), children: <DateTime iso={detail.reportedAt} /> },
    { key: 'department', label: t('casePage.department'), children: deptName(detail.departmentId) ?? unknown },
  ];
  if (!detail.departmentId && detail.suggestedDepartmentId) {
    items.push({ key: 'suggested', label: t('casePage.suggestedDepartment'), children: deptName(detail.suggestedDepartmentId) });
  }
  if (detail.deadlineAt) items.push({ key: 'deadline', label: t('casePage.deadline'), children: <DateTime iso={detail.deadlineAt} /> });
  if (detail.extensionRequested && detail.requestedDeadline) {
    items.push({ key: 'requestedDeadline', label: t('casePage.requestedDeadline'), children: <DateTime iso={detail.requestedDeadline} /> });
  }
  if ((detail.parked || detail.parkRequested) && detail.parkReviewDate) {
    items.push({ key: 'parkReview', label: t('casePage.parkReviewDate'), children: day(detail.parkReviewDate) });
  }
  if (detail.supervised && detail.superviseDue) items.push({ key: 'superviseDue', label: t('casePage.superviseDue'), children: day(detail.superviseDue) });
  if (detail.closedAt) items.push({ key: 'closed', label: t('casePage.closedAt'), children: <DateTime iso={detail.closedAt} /> });
  if (detail.rating !== null) items.push({ key: 'rating', label: t('casePage.rating'), children: t('casePage.ratingValue', { rating: detail.rating }) });
  if (detail.fixed !== null && detail.fixed !== undefined) {
    items.push({ key: 'fixed', label: t('casePage.fixed'), children: detail.fixed ? t('casePage.fixedYes') : t('casePage.fixedNo') });
  }
  for (const [key, id] of [['primary', detail.primaryCaseId], ['linked', detail.linkedCaseId]] as const) {
    if (id) items.push({ key, label: t(`casePage.${key}Case`), children: <Link to={`/cases/${id}`}>{t('casePage.openCase')}</Link> });
  }
  // The reporter's answers to the category's extra questions, each under the question it answers.
  const answers = attributeRows(detail.attributes, findSubCategory(categories.data ?? [], detail.categoryCode)?.attributes, lang);
  items.push(
    ...answers.map((a) => ({
      key: `attr-${a.code}`,
      label: a.label,
      children: <span className="gl-prewrap" data-testid={`case-attribute-${a.code}`}>{a.value}</span>,
    })),
  );
  if (detail.category) {
    items.push(
      { key: 'register', label: t('casePage.registerCondition'), children: detail.category.registerCondition },
      { key: 'close', label: t('casePage.closeCondition'), children: detail.category.closeCondition },
    );
  }
  return (
    <section className="gl-panel" aria-labelledby="case-details-title">
      <h2 id="case-details-title" className="gl-panel-title">
        {t('casePage.details')}
      </h2>
      <Descriptions size="small" column={1} items={items} className="gl-descriptions" data-testid="case-details" />
    </section>
  );
}
