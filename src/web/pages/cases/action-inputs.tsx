import { Checkbox, Form, Input, Radio, Select, TreeSelect } from 'antd';
import type { Rule } from 'antd/es/form';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { CALLER_ANSWERS, type CaseDetail, PRIORITIES } from '../../case-types.ts';
import { PhotoInput } from '../../components/photo-input.tsx';
import { categoryGroups, subCategoryName } from '../../lib/category-tree.ts';
import { useCategories, useDepartments } from '../../lib/reference-data.ts';
import { localName, useLanguage } from '../../lib/use-language.ts';
import { useIsPhone } from '../../lib/use-media-query.ts';
import { useDistricts, useJurisdictions } from '../territory/territory-data.ts';
import type { ActionField } from './action-specs.ts';

interface FieldProps {
  name: ActionField;
  required: boolean;
  detail: CaseDetail;
  /** confirm and verify_pass: a note or a photo. */
  noteOrPhoto: boolean;
}

/** One input of an action form, labelled, with the rule the workflow table sets. */
export function ActionInput({ name, required, detail, noteOrPhoto }: FieldProps) {
  const { t } = useTranslation();
  const isPhone = useIsPhone();
  const rules: Rule[] = required ? [{ required: true, whitespace: true, message: t('form.required') }] : [];
  const label = t(`actionField.${name}`);
  switch (name) {
    case 'duplicatesReviewed':
      return (
        <Form.Item
          name={name}
          valuePropName="checked"
          extra={t('actionField.duplicatesFound', { count: detail.duplicateCandidates.length })}
          rules={[{ validator: (_, v) => (v ? Promise.resolve() : Promise.reject(new Error(t('actionField.duplicatesRequired')))) }]}
        >
          <Checkbox data-testid="field-duplicatesReviewed">{label}</Checkbox>
        </Form.Item>
      );
    case 'reason':
    case 'note': {
      const noteRule: Rule[] = noteOrPhoto
        ? [
            ({ getFieldValue }) => ({
              validator: (_, v: string | undefined) =>
                v?.trim() || (getFieldValue('photos') as File[] | undefined)?.length
                  ? Promise.resolve()
                  : Promise.reject(new Error(t('form.noteOrPhoto'))),
            }),
          ]
        : rules;
      return (
        <Form.Item name={name} label={label} rules={noteRule} dependencies={noteOrPhoto ? ['photos'] : undefined}>
          <Input.TextArea autoSize={{ minRows: 2, maxRows: 6 }} maxLength={name === 'reason' ? 1000 : 2000} data-testid={`field-${name}`} />
        </Form.Item>
      );
    }
    case 'photos': {
      // The after-photo of `handle` is required unless the category waives it.
      const needed = required && (detail.category?.afterPhotoRequired ?? true);
      return (
        <Form.Item
          name={name}
          label={label}
          rules={needed ? [{ required: true, type: 'array', min: 1, message: t('actionField.afterPhotoRequired') }] : []}
        >
          <PhotoInput camera={isPhone} />
        </Form.Item>
      );
    }
    case 'priority':
      return (
        <Form.Item name={name} label={label} rules={rules}>
          <Radio.Group
            role="radiogroup"
            aria-label={label}
            optionType="button"
            options={PRIORITIES.map((p) => ({ value: p, label: t(`priority.${p}`) }))}
          />
        </Form.Item>
      );
    case 'callerAnswer':
      return (
        <Form.Item name={name} label={label} rules={rules}>
          <Radio.Group
            role="radiogroup"
            aria-label={label}
            className="gl-choice-group"
            options={CALLER_ANSWERS.map((a) => ({ value: a, label: t(`callerAnswer.${a}`) }))}
          />
        </Form.Item>
      );
    case 'newDeadline':
      return (
        <Form.Item name={name} label={label} rules={rules} extra={t('actionField.serverTime')}>
          <Input type="datetime-local" data-testid="field-newDeadline" />
        </Form.Item>
      );
    case 'reviewDate':
    case 'dueDate':
      return (
        <Form.Item name={name} label={label} rules={rules}>
          <Input type="date" data-testid={`field-${name}`} />
        </Form.Item>
      );
    case 'primaryCaseId':
      return (
        <Form.Item name={name} label={label} rules={rules} extra={detail.duplicateCandidates.length === 0 ? t('actionField.noCandidates') : undefined}>
          <Select
            data-testid="field-primaryCaseId"
            options={detail.duplicateCandidates.map((c) => ({
              value: c.id,
              label: t('actionField.candidate', { number: c.number, state: t(`caseState.${c.state}`), distance: Math.round(c.distanceM) }),
            }))}
          />
        </Form.Item>
      );
    case 'categoryCode':
      return <CategoryField label={label} rules={rules} />;
    case 'departmentId':
      return <DepartmentField label={label} rules={rules} suggested={detail.suggestedDepartmentId} current={detail.departmentId} />;
    case 'gridId':
      return <GridField label={label} rules={rules} detail={detail} />;
    case 'districtId':
      return <DistrictField label={label} rules={rules} detail={detail} />;
  }
}

function CategoryField({ label, rules }: { label: string; rules: Rule[] }) {
  const lang = useLanguage();
  const categories = useCategories();
  const treeData = useMemo(
    () =>
      categoryGroups(categories.data ?? [], lang).map((g) => ({
        value: g.code,
        title: `${g.family} · ${g.name}`,
        selectable: false,
        children: g.items.map((c) => ({ value: c.code, title: `${c.code} ${subCategoryName(c, lang)}` })),
      })),
    [categories.data, lang],
  );
  return (
    <Form.Item name="categoryCode" label={label} rules={rules}>
      <TreeSelect treeData={treeData} showSearch treeNodeFilterProp="title" loading={categories.isLoading} data-testid="field-categoryCode" />
    </Form.Item>
  );
}

function DepartmentField({ label, rules, suggested, current }: { label: string; rules: Rule[]; suggested: string | null; current: string | null }) {
  const { t } = useTranslation();
  const lang = useLanguage();
  const departments = useDepartments();
  const options = (departments.data ?? [])
    .filter((d) => d.id !== current)
    .map((d) => ({ value: d.id, label: d.id === suggested ? `${localName(d, lang)} ${t('actionField.suggested')}` : localName(d, lang) }));
  return (
    <Form.Item name="departmentId" label={label} rules={rules}>
      <Select
        showSearch
        optionFilterProp="label"
        options={options}
        loading={departments.isLoading}
        // Until the names arrive, the preselected suggestion would show as a bare id.
        labelRender={({ label, value }) => label ?? (departments.isLoading ? t('app.loading') : String(value))}
        data-testid="field-departmentId"
      />
    </Form.Item>
  );
}

/** Reroute stays inside the case's district: the grids of that district the caller can see. */
function GridField({ label, rules, detail }: { label: string; rules: Rule[]; detail: CaseDetail }) {
  const { t } = useTranslation();
  const lang = useLanguage();
  const jurisdictions = useJurisdictions();
  const all = jurisdictions.data ?? [];
  const districtPath = all.find((j) => j.id === detail.districtId)?.path;
  const options = all
    .filter((j) => j.level === 'grid' && j.inScope && j.id !== detail.gridId && districtPath !== undefined && j.path.startsWith(`${districtPath}.`))
    .map((j) => ({ value: j.id, label: `${localName(j, lang)} (${j.code})` }));
  return (
    <Form.Item name="gridId" label={label} rules={rules} extra={!jurisdictions.isLoading && options.length === 0 ? t('actionField.gridIdNone') : undefined}>
      <Select showSearch optionFilterProp="label" options={options} loading={jurisdictions.isLoading} data-testid="field-gridId" />
    </Form.Item>
  );
}

/** Transfer goes to another district, which is outside the caller's scope: the public list of every district. */
function DistrictField({ label, rules, detail }: { label: string; rules: Rule[]; detail: CaseDetail }) {
  const { t } = useTranslation();
  const lang = useLanguage();
  const districts = useDistricts();
  const options = (districts.data ?? [])
    .filter((d) => d.id !== detail.districtId)
    .map((d) => ({ value: d.id, label: `${localName(d, lang)} (${d.code})` }));
  const extra = districts.isError ? t('actionField.districtIdFailed') : !districts.isLoading && options.length === 0 ? t('actionField.districtIdNone') : undefined;
  return (
    <Form.Item name="districtId" label={label} rules={rules} extra={extra}>
      <Select showSearch optionFilterProp="label" options={options} loading={districts.isLoading} data-testid="field-districtId" />
    </Form.Item>
  );
}
