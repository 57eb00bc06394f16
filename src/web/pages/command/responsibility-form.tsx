import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { Alert, Button, Form, Input, Select } from 'antd';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../api.ts';
import { errorText } from '../../lib/error-text.ts';
import { useLanguage } from '../../lib/use-language.ts';
import { useSaveResponsibility } from './command-data.ts';
import type { Responsibility } from './command-types.ts';
import { type AnchorKey, anchorLabel, anchorOf, draftsOf, type EntryDraft, entriesOf, entryField } from './responsibility-model.ts';

interface ResponsibilityFormProps {
  chain: Responsibility;
  gridId: string;
  editable: ReadonlySet<AnchorKey>;
  levelName: (level: string) => string;
  onDone: () => void;
}

/** The form field that shows a server error on an entry's key. */
function draftField(key: string): keyof EntryDraft {
  if (key === 'jurisdictionId' || key === 'departmentId') return 'anchor';
  // userId is hidden: its error shows on the name it fills.
  return key === 'role' || key === 'phone' ? key : 'name';
}

/** The admin's edit of the chain: the whole list of entries they administer, saved at once (PUT replaces it). */
export function ResponsibilityForm({ chain, gridId, editable, levelName, onDone }: ResponsibilityFormProps) {
  const { t } = useTranslation();
  const lang = useLanguage();
  const [form] = Form.useForm<{ entries: EntryDraft[] }>();
  const save = useSaveResponsibility(gridId);
  const anchors = useMemo(
    () =>
      chain.chain.flatMap((link) => {
        const key = anchorOf(link);
        return key && editable.has(key) ? [{ value: key, label: anchorLabel(link, lang, levelName) }] : [];
      }),
    [chain, editable, lang, levelName],
  );
  const initial = useMemo(() => ({ entries: draftsOf(chain, editable) }), [chain, editable]);

  const submit = (values: { entries?: EntryDraft[] }) => {
    save.mutate(entriesOf(values.entries ?? []), {
      onSuccess: onDone,
      onError: (error) => {
        const at = error instanceof ApiError ? entryField(error.field) : null;
        if (at) form.setFields([{ name: ['entries', at[0], draftField(at[1])], errors: [errorText(t, error)] }]);
      },
    });
  };

  return (
    <Form form={form} layout="vertical" initialValues={initial} onFinish={submit} data-testid="responsibility-form" requiredMark>
      <Form.List name="entries">
        {(fields, { add, remove }) => (
          <>
            {fields.map((field, i) => (
              <fieldset key={field.key} className="gl-fieldset gl-command-entry">
                <legend>{t('command.responsibility.entry', { n: i + 1 })}</legend>
                <Form.Item name={[field.name, 'anchor']} label={t('command.responsibility.where')} rules={[{ required: true, message: t('form.required') }]}>
                  <Select options={anchors} />
                </Form.Item>
                <Form.Item name={[field.name, 'role']} label={t('command.responsibility.role')} rules={[{ required: true, whitespace: true, message: t('form.required') }, { max: 60 }]}>
                  <Input maxLength={60} />
                </Form.Item>
                <Form.Item name={[field.name, 'name']} label={t('command.responsibility.name')} rules={[{ required: true, whitespace: true, message: t('form.required') }, { max: 100 }]}>
                  <Input maxLength={100} autoComplete="off" />
                </Form.Item>
                <Form.Item name={[field.name, 'phone']} label={t('command.responsibility.phone')}>
                  <Input maxLength={40} inputMode="tel" autoComplete="off" />
                </Form.Item>
                <Form.Item name={[field.name, 'userId']} hidden>
                  <Input />
                </Form.Item>
                <Button icon={<DeleteOutlined aria-hidden="true" />} onClick={() => remove(field.name)} aria-label={t('command.responsibility.removeEntry', { n: i + 1 })}>
                  {t('command.responsibility.remove')}
                </Button>
              </fieldset>
            ))}
            <Button
              icon={<PlusOutlined aria-hidden="true" />}
              onClick={() => add({ anchor: anchors[0]?.value, role: '', name: '', phone: '' } satisfies Partial<EntryDraft>)}
              data-testid="responsibility-add"
            >
              {t('command.responsibility.add')}
            </Button>
          </>
        )}
      </Form.List>
      {save.isError && !(save.error instanceof ApiError && entryField(save.error.field)) ? (
        <Alert className="gl-form-alert" type="error" showIcon title={errorText(t, save.error)} />
      ) : null}
      <div className="gl-command-form-actions">
        <Button type="primary" htmlType="submit" loading={save.isPending} data-testid="responsibility-save">
          {t('form.save')}
        </Button>
        <Button onClick={onDone}>{t('form.cancel')}</Button>
      </div>
    </Form>
  );
}
