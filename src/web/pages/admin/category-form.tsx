import { Alert, Button, Form, Input, InputNumber, Radio, Select, Skeleton, Switch } from 'antd';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../api.ts';
import { PRIORITIES } from '../../case-types.ts';
import { errorText } from '../../lib/error-text.ts';
import { useCalendar } from '../../lib/reference-data.ts';
import { type CategoryBody, useCategoryDefinition, useSaveCategory } from './admin-data.ts';
import { minutesPerWorkingDay } from './calendar-model.ts';
import { LimitInput } from './limit-input.tsx';

export const DEPARTMENT_KINDS = [
  'sanitation',
  'roads',
  'gardens',
  'water',
  'urban_management',
  'housing',
  'traffic',
  'power',
  'telecom',
  'fire',
] as const;
const LANGS = ['zh-Hant', 'zh-Hans', 'en'] as const;
const STAGES = ['accept', 'confirm', 'register', 'dispatch'] as const;

/** One sub-category's rules: names, conditions, department kind, time base, stage limits, duplicates, flags. */
export function CategoryForm({ code, onSaved }: { code: string; onSaved: () => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<CategoryBody>();
  const definition = useCategoryDefinition(code);
  const save = useSaveCategory(code);
  const calendar = useCalendar();
  const perDay = minutesPerWorkingDay(calendar.data?.workingHours);
  const base = Form.useWatch('timeBase', form) ?? 'working';

  useEffect(() => {
    if (definition.data) form.setFieldsValue(definition.data);
  }, [definition.data, form]);

  if (definition.isError) return <Alert type="error" showIcon title={errorText(t, definition.error)} />;
  if (!definition.data) return <Skeleton active paragraph={{ rows: 10 }} />;

  const onFinish = (v: CategoryBody) => {
    // Attributes are not edited here: they go back as they came.
    save.mutate({ ...v, attributes: definition.data?.attributes }, {
      onSuccess: onSaved,
      onError: (error) => {
        if (error instanceof ApiError && error.field) {
          form.setFields([{ name: error.field.split('.') as never, errors: [errorText(t, error)] }]);
        }
      },
    });
  };

  return (
    <Form<CategoryBody> form={form} layout="vertical" onFinish={onFinish} name={`category-${code}`} data-testid="category-form">
      <fieldset className="gl-fieldset">
        <legend>{t('adminCategories.handling')}</legend>
        <Form.Item name="defaultDepartmentKind" label={t('adminCategories.departmentKind')} rules={[{ required: true }]}>
          <Select options={DEPARTMENT_KINDS.map((k) => ({ value: k, label: t(`departmentKind.${k}`) }))} />
        </Form.Item>
        <Form.Item name="caseType" label={t('adminCategories.caseType')} rules={[{ required: true }]}>
          <Select options={(['immediate', 'committed', 'coordinated'] as const).map((k) => ({ value: k, label: t(`caseType.${k}`) }))} />
        </Form.Item>
        <Form.Item name="timeBase" label={t('adminCategories.timeBase')} rules={[{ required: true }]}>
          <Radio.Group
            role="radiogroup"
            aria-label={t('adminCategories.timeBase')}
            options={(['working', 'natural'] as const).map((b) => ({ value: b, label: t(`timeBase.${b}`) }))}
          />
        </Form.Item>
      </fieldset>
      <fieldset className="gl-fieldset">
        <legend>{t('adminCategories.limits')}</legend>
        <div className="gl-form-grid">
          {STAGES.map((s) => (
            <LimitInput key={s} name={['limits', s]} label={t(`stage.${s}`)} base={base} minutesPerDay={perDay} />
          ))}
          {PRIORITIES.map((p) => (
            <LimitInput
              key={p}
              name={['limits', 'handle', p]}
              label={t('adminCategories.handleLimit', { priority: t(`priority.${p}`) })}
              base={base}
              minutesPerDay={perDay}
            />
          ))}
          <LimitInput name={['limits', 'verify']} label={t('stage.verify')} base={base} minutesPerDay={perDay} />
        </div>
      </fieldset>
      <fieldset className="gl-fieldset">
        <legend>{t('adminCategories.duplicates')}</legend>
        <div className="gl-form-grid">
          <Form.Item name="duplicateRadiusM" label={t('adminCategories.duplicateRadius')} rules={[{ required: true, type: 'integer', min: 0, max: 10_000 }]}>
            <InputNumber min={0} max={10_000} className="gl-number-input" suffix="m" />
          </Form.Item>
          <Form.Item name="duplicateWindowMinutes" label={t('adminCategories.duplicateWindow')} rules={[{ required: true, type: 'integer', min: 0, max: 525_600 }]}>
            <InputNumber min={0} max={525_600} className="gl-number-input" suffix={t('adminCategories.minutes')} />
          </Form.Item>
        </div>
      </fieldset>
      <Form.Item name="reporterMayVerify" valuePropName="checked" label={t('adminCategories.reporterMayVerify')}>
        <Switch />
      </Form.Item>
      <Form.Item name="afterPhotoRequired" valuePropName="checked" label={t('adminCategories.afterPhotoRequired')}>
        <Switch />
      </Form.Item>
      <fieldset className="gl-fieldset">
        <legend>{t('adminCategories.names')}</legend>
        {LANGS.map((l) => (
          <Form.Item key={l} name={['names', l]} label={t(`adminCategories.lang.${l}`)} rules={[{ required: true, whitespace: true, message: t('form.required') }]}>
            <Input lang={l} maxLength={500} />
          </Form.Item>
        ))}
      </fieldset>
      {(['registerCondition', 'closeCondition'] as const).map((cond) => (
        <fieldset key={cond} className="gl-fieldset">
          <legend>{t(`adminCategories.${cond}`)}</legend>
          {LANGS.map((l) => (
            <Form.Item key={l} name={[cond, l]} label={t(`adminCategories.lang.${l}`)} rules={[{ required: true, whitespace: true, message: t('form.required') }]}>
              <Input.TextArea lang={l} autoSize={{ minRows: 1, maxRows: 4 }} maxLength={500} />
            </Form.Item>
          ))}
        </fieldset>
      ))}
      {definition.data.attributes?.length ? (
        <p className="gl-muted">{t('adminCategories.attributesKept', { count: definition.data.attributes.length })}</p>
      ) : null}
      {save.isError && !(save.error instanceof ApiError && save.error.field) ? (
        <Alert type="error" showIcon title={errorText(t, save.error)} className="gl-form-alert" />
      ) : null}
      <Button type="primary" htmlType="submit" loading={save.isPending} data-testid="category-save">
        {t('form.save')}
      </Button>
    </Form>
  );
}
