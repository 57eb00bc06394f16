import { Alert, Button, Descriptions, Drawer, Form, Input, Modal, Select } from 'antd';
import { useEffect, useId, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../api.ts';
import { errorText } from '../../lib/error-text.ts';
import { localName, useLanguage } from '../../lib/use-language.ts';
import { rolesOf, useSession } from '../../session.ts';
import { useJurisdictions } from '../territory/territory-data.ts';
import { REVEAL_ROLES } from './persons-page.tsx';
import {
  ORGANISATION_KINDS,
  type Organisation,
  type OrganisationInput,
  useRevealOrganisation,
  useSaveOrganisation,
} from './registry-data.ts';

interface FormValues {
  kind: OrganisationInput['kind'];
  name: string;
  jurisdictionId: string;
  contactName?: string;
  contactPhone?: string;
  compounds?: string[];
  address?: string;
}

interface Props {
  /** null with `open`: a new organisation. */
  organisation: Organisation | null;
  open: boolean;
  editable: boolean;
  isPhone: boolean;
  onClose: () => void;
  onSaved: (o: Organisation) => void;
}

export function OrganisationDrawer({ organisation, open, editable, isPhone, onClose, onSaved }: Props) {
  const { t } = useTranslation();
  const lang = useLanguage();
  const [form] = Form.useForm<FormValues>();
  const save = useSaveOrganisation();
  const reveal = useRevealOrganisation();
  const held = rolesOf(useSession().data);
  const canReveal = REVEAL_ROLES.some((r) => held.has(r));
  const jurisdictions = useJurisdictions();
  const [revealed, setRevealed] = useState<string | null>(null);
  const [asking, setAsking] = useState(false);
  const [reason, setReason] = useState('');
  const [saved, setSaved] = useState(false);
  // A new organisation, once saved, comes back as this drawer's organisation: its notice must survive that.
  const keepNotice = useRef(false);
  const ids = useId();

  const places = useMemo(
    () =>
      (jurisdictions.data ?? [])
        .filter((j) => j.inScope && j.level !== 'city')
        .map((j) => ({ value: j.id, label: `${localName(j, lang)} (${j.code})` })),
    [jurisdictions.data, lang],
  );

  // biome-ignore lint/correctness/useExhaustiveDependencies: reset when the drawer shows another organisation
  useEffect(() => {
    setRevealed(null);
    setReason('');
    if (keepNotice.current) keepNotice.current = false;
    else {
      setSaved(false);
      save.reset();
    }
    form.resetFields();
    if (organisation) {
      form.setFieldsValue({
        kind: organisation.kind as OrganisationInput['kind'],
        name: organisation.name,
        jurisdictionId: organisation.jurisdictionId,
        contactName: organisation.contactName ?? '',
        compounds: organisation.compounds,
        address: organisation.address ?? '',
      });
    }
  }, [organisation?.id, open]);

  const onFinish = (v: FormValues) => {
    const body: Partial<OrganisationInput> = {
      kind: v.kind,
      name: v.name.trim(),
      jurisdictionId: v.jurisdictionId,
      contactName: v.contactName?.trim() || null,
      compounds: v.compounds ?? [],
      address: v.address?.trim() || null,
    };
    // An empty phone keeps the one on record (it is shown masked and never sent back).
    if (v.contactPhone?.trim()) body.contactPhone = v.contactPhone.trim();
    save.mutate(
      { id: organisation?.id ?? null, body },
      {
        onSuccess: (o) => {
          keepNotice.current = organisation === null;
          setSaved(true);
          form.setFieldValue('contactPhone', '');
          onSaved(o);
        },
        onError: (error) => {
          if (error instanceof ApiError && error.field && error.field in v) form.setFields([{ name: error.field as keyof FormValues, errors: [errorText(t, error)] }]);
        },
      },
    );
  };

  const phone = revealed ?? organisation?.contactPhone ?? null;
  return (
    <Drawer
      open={open}
      onClose={onClose}
      title={organisation ? organisation.name : t('registry.organisations.add')}
      size={isPhone ? 'default' : 'large'}
      width={isPhone ? '100%' : 560}
      closable={{ 'aria-label': t('registry.persons.close') }}
      data-testid="organisation-drawer"
    >
      {saved ? <Alert type="success" showIcon title={t('registry.organisations.saved')} className="gl-form-alert" role="status" /> : null}
      {revealed ? <Alert type="warning" showIcon title={t('registry.persons.revealedNotice')} className="gl-form-alert" /> : null}
      {organisation ? (
        <Descriptions column={1} size="small" className="gl-descriptions">
          <Descriptions.Item label={t('registry.organisation.contactPhone')}>
            <span className="gl-mono" data-testid="organisation-phone">
              {phone ?? '—'}
            </span>
          </Descriptions.Item>
          {!editable ? (
            <>
              <Descriptions.Item label={t('registry.organisation.kind')}>{t(`registry.organisationKind.${organisation.kind}`, { defaultValue: organisation.kind })}</Descriptions.Item>
              <Descriptions.Item label={t('registry.organisation.jurisdiction')}>
                {localName({ name: organisation.jurisdictionName['zh-Hans'], names: organisation.jurisdictionName }, lang)}
              </Descriptions.Item>
              <Descriptions.Item label={t('registry.organisation.contactName')}>{organisation.contactName ?? '—'}</Descriptions.Item>
              <Descriptions.Item label={t('registry.organisation.compounds')}>
                {organisation.compounds.length > 0 ? organisation.compounds.join(t('form.listSeparator')) : '—'}
              </Descriptions.Item>
              <Descriptions.Item label={t('registry.organisation.address')}>{organisation.address ?? '—'}</Descriptions.Item>
            </>
          ) : null}
        </Descriptions>
      ) : null}
      {organisation && canReveal && organisation.masked && organisation.contactPhone && !revealed ? (
        <div className="gl-form-actions">
          <Button onClick={() => setAsking(true)} data-testid="organisation-reveal">
            {t('registry.persons.reveal')}
          </Button>
        </div>
      ) : null}
      {editable ? (
        <Form<FormValues> form={form} layout="vertical" onFinish={onFinish} name="organisation" data-testid="organisation-form">
          <Form.Item name="kind" label={t('registry.organisation.kind')} rules={[{ required: true, message: t('form.required') }]}>
            <Select options={ORGANISATION_KINDS.map((k) => ({ value: k, label: t(`registry.organisationKind.${k}`) }))} />
          </Form.Item>
          <Form.Item name="name" label={t('registry.organisation.name')} rules={[{ required: true, whitespace: true, message: t('form.required') }]}>
            <Input maxLength={200} data-testid="organisation-name" />
          </Form.Item>
          <Form.Item name="jurisdictionId" label={t('registry.organisation.jurisdiction')} rules={[{ required: true, message: t('form.required') }]}>
            <Select showSearch optionFilterProp="label" options={places} loading={jurisdictions.isLoading} data-testid="organisation-jurisdiction" />
          </Form.Item>
          <Form.Item name="contactName" label={t('registry.organisation.contactName')}>
            <Input maxLength={100} />
          </Form.Item>
          <Form.Item
            name="contactPhone"
            label={t('registry.organisation.contactPhone')}
            extra={organisation?.contactPhone ? t('registry.organisations.phoneKept') : undefined}
          >
            <Input maxLength={40} inputMode="tel" autoComplete="off" data-testid="organisation-contact-phone" />
          </Form.Item>
          <Form.Item name="compounds" label={t('registry.organisation.compounds')} extra={t('registry.organisations.compoundsHelp')}>
            <Select mode="tags" tokenSeparators={['、', ',', '，', ';', '；']} />
          </Form.Item>
          <Form.Item name="address" label={t('registry.organisation.address')}>
            <Input maxLength={500} />
          </Form.Item>
          {save.isError && !(save.error instanceof ApiError && save.error.field) ? (
            <Alert type="error" showIcon title={errorText(t, save.error)} role="alert" className="gl-form-alert" />
          ) : null}
          <div className="gl-form-actions">
            <Button type="primary" htmlType="submit" loading={save.isPending} data-testid="organisation-save">
              {t('registry.organisations.save')}
            </Button>
          </div>
        </Form>
      ) : null}
      <Modal
        open={asking}
        title={t('registry.organisations.revealTitle')}
        okText={t('registry.persons.revealConfirm')}
        cancelText={t('registry.persons.revealCancel')}
        okButtonProps={{ disabled: reason.trim().length < 2, loading: reveal.isPending }}
        onCancel={() => setAsking(false)}
        onOk={() => {
          if (!organisation) return;
          reveal.mutate(
            { id: organisation.id, reason: reason.trim() },
            {
              onSuccess: (o) => {
                setRevealed(o.contactPhone);
                setAsking(false);
              },
            },
          );
        }}
        destroyOnHidden
      >
        <label htmlFor={`${ids}-reason`} className="gl-field-label">
          {t('registry.persons.reason')}
        </label>
        <Input.TextArea id={`${ids}-reason`} value={reason} maxLength={500} rows={3} onChange={(e) => setReason(e.target.value)} aria-describedby={`${ids}-help`} />
        <p id={`${ids}-help`} className="gl-field-hint">
          {t('registry.persons.reasonHelp')}
        </p>
        {reveal.isError ? <Alert type="error" showIcon title={errorText(t, reveal.error)} role="alert" /> : null}
      </Modal>
    </Drawer>
  );
}
