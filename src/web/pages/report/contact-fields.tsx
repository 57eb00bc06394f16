import { Checkbox, Form, Input } from 'antd';
import { useTranslation } from 'react-i18next';

const PHONE = /^[0-9+() -]{5,20}$/;

/** The reporter's or caller's contact, or the choice to stay anonymous (then nothing is stored). */
export function ContactFields({ mode }: { mode: 'resident' | 'caller' }) {
  const { t } = useTranslation();
  const anonymous = Form.useWatch<boolean | undefined>('anonymous');
  const prefix = mode === 'resident' ? 'contact' : 'caller';
  return (
    <fieldset className="gl-fieldset" data-testid="contact-fields">
      <legend>{t(`${prefix}.legend`)}</legend>
      <p className="gl-field-hint">{t(`${prefix}.hint`)}</p>
      <Form.Item name="anonymous" valuePropName="checked">
        <Checkbox data-testid="anonymous">{t(`${prefix}.anonymous`)}</Checkbox>
      </Form.Item>
      {anonymous ? null : (
        <div className="gl-contact-grid">
          <Form.Item name="reporterName" label={t(`${prefix}.name`)}>
            <Input autoComplete={mode === 'resident' ? 'name' : 'off'} maxLength={100} />
          </Form.Item>
          <Form.Item
            name="reporterPhone"
            label={t(`${prefix}.phone`)}
            rules={[{ pattern: PHONE, message: t('contact.phoneInvalid') }]}
          >
            <Input type="tel" inputMode="tel" autoComplete={mode === 'resident' ? 'tel' : 'off'} maxLength={20} />
          </Form.Item>
          {mode === 'resident' ? (
            <Form.Item name="reporterEmail" label={t('contact.email')} rules={[{ type: 'email', message: t('contact.emailInvalid') }]}>
              <Input type="email" autoComplete="email" maxLength={200} />
            </Form.Item>
          ) : null}
        </div>
      )}
    </fieldset>
  );
}
