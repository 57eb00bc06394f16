import { Form, InputNumber } from 'antd';
import { useTranslation } from 'react-i18next';
import { spanOf } from '../../lib/format.ts';

interface LimitInputProps {
  name: (string | number)[];
  label: string;
  base: 'working' | 'natural';
  minutesPerDay: number;
}

/** A limit in minutes, with what it means beside it: 450 working minutes are one working day. */
export function LimitInput({ name, label, base, minutesPerDay }: LimitInputProps) {
  const { t } = useTranslation();
  const value = Form.useWatch<number | undefined>(name);
  const span = typeof value === 'number' && value > 0 ? spanOf(value, base === 'working' ? minutesPerDay : 1440) : null;
  const meaning = span ? t(base === 'working' ? `units.working_${span.unit}` : `units.${span.unit}`, { count: span.value }) : '';
  return (
    <Form.Item
      name={name}
      label={label}
      rules={[{ required: true, type: 'integer', min: 1, max: 525_600, message: t('adminCategories.limitInvalid') }]}
      extra={meaning ? t('adminCategories.means', { span: meaning }) : undefined}
    >
      <InputNumber min={1} max={525_600} step={30} className="gl-number-input" suffix={t('adminCategories.minutes')} />
    </Form.Item>
  );
}
