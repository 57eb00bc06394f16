import { Checkbox, Form, Input, InputNumber, Radio } from 'antd';
import { useTranslation } from 'react-i18next';
import type { CategoryAttribute } from '../case-types.ts';
import { useLanguage } from '../lib/use-language.ts';

/** The category's extra questions (Open311 attributes), asked only when the chosen category has them. */
export function AttributeFields({ attributes }: { attributes: readonly CategoryAttribute[] | undefined }) {
  const { t } = useTranslation();
  const lang = useLanguage();
  if (!attributes || attributes.length === 0) return null;
  return (
    <fieldset className="gl-fieldset" data-testid="attribute-fields">
      <legend>{t('report.attributes')}</legend>
      {attributes.map((a) => {
        const label = a.description[lang] || a.code;
        const rules = a.required ? [{ required: true, message: t('form.required') }] : [];
        const name = ['attributes', a.code];
        const options = (a.values ?? []).map((v) => ({ value: v.key, label: v.names[lang] || v.key }));
        switch (a.datatype) {
          case 'number':
            return (
              <Form.Item key={a.code} name={name} label={label} rules={rules}>
                <InputNumber min={0} className="gl-number-input" />
              </Form.Item>
            );
          case 'text':
            return (
              <Form.Item key={a.code} name={name} label={label} rules={rules}>
                <Input.TextArea autoSize={{ minRows: 2, maxRows: 5 }} maxLength={1000} />
              </Form.Item>
            );
          case 'datetime':
            return (
              <Form.Item key={a.code} name={name} label={label} rules={rules}>
                <Input type="datetime-local" />
              </Form.Item>
            );
          case 'singlevaluelist':
            return (
              <Form.Item key={a.code} name={name} label={label} rules={rules}>
                <Radio.Group options={options} className="gl-choice-group" role="radiogroup" aria-label={label} />
              </Form.Item>
            );
          case 'multivaluelist':
            return (
              <Form.Item key={a.code} name={name} label={label} rules={rules}>
                <Checkbox.Group options={options} className="gl-choice-group" role="group" aria-label={label} />
              </Form.Item>
            );
          default:
            return (
              <Form.Item key={a.code} name={name} label={label} rules={rules}>
                <Input maxLength={200} />
              </Form.Item>
            );
        }
      })}
    </fieldset>
  );
}
