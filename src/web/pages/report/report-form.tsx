import { Alert, Button, Form, Input } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, NETWORK_STATUS } from '../../api.ts';
import type { Channel, ReportResult, SubCategory } from '../../case-types.ts';
import { AttributeFields } from '../../components/attribute-fields.tsx';
import { CategoryPicker } from '../../components/category-picker.tsx';
import { LocationPicker, type PickedLocation } from '../../components/location-picker.tsx';
import { PhotoInput } from '../../components/photo-input.tsx';
import { errorText } from '../../lib/error-text.ts';
import { deviceId, useSubmitReport } from '../../lib/report-submit.ts';
import { ContactFields } from './contact-fields.tsx';

export interface ReportFormValues {
  categoryCode?: string;
  location?: PickedLocation;
  description?: string;
  address?: string;
  photos?: File[];
  anonymous?: boolean;
  reporterName?: string;
  reporterPhone?: string;
  reporterEmail?: string;
  attributes?: Record<string, unknown>;
}

export type ReportMode = 'resident' | 'desk' | 'patrol';

const CHANNEL: Record<ReportMode, Channel | undefined> = { resident: undefined, desk: 'hotline', patrol: 'grid_patrol' };

/** Where the server's `field` lands in this form. */
const FIELD_OF: Record<string, keyof ReportFormValues> = {
  categoryCode: 'categoryCode',
  lat: 'location',
  lng: 'location',
  coordSys: 'location',
  description: 'description',
  address: 'address',
  photos: 'photos',
  reporterName: 'reporterName',
  reporterPhone: 'reporterPhone',
  reporterEmail: 'reporterEmail',
};

function retryable(error: unknown): boolean {
  return error instanceof ApiError && (error.status === NETWORK_STATUS || error.status >= 500 || error.status === 429);
}

interface ReportFormProps {
  mode: ReportMode;
  /** Patrol: start from the device's position. */
  initialLocation?: PickedLocation;
  submitLabel: string;
  onDone: (result: ReportResult) => void;
  /** A category chosen beforehand, e.g. from a QR code on a street light (`/report?category=C0118`). */
  initialCategory?: string;
}

export function ReportForm({ mode, initialLocation, submitLabel, onDone, initialCategory }: ReportFormProps) {
  const { t } = useTranslation();
  const [form] = Form.useForm<ReportFormValues>();
  const submit = useSubmitReport({ anonymousCaller: mode === 'resident' });
  const [category, setCategory] = useState<SubCategory | undefined>();

  useEffect(() => {
    if (initialLocation && !form.getFieldValue('location')) form.setFieldValue('location', initialLocation);
  }, [initialLocation, form]);

  const onFinish = (v: ReportFormValues) => {
    if (!v.categoryCode || !v.location || !v.description) return;
    submit.mutate(
      {
        values: {
          categoryCode: v.categoryCode,
          location: v.location,
          description: v.description,
          address: v.address,
          anonymous: v.anonymous,
          reporterName: v.reporterName,
          reporterPhone: v.reporterPhone,
          reporterEmail: v.reporterEmail,
          attributes: v.attributes,
          channel: CHANNEL[mode],
          deviceId: mode === 'resident' ? deviceId() : undefined,
        },
        photos: v.photos ?? [],
      },
      {
        onSuccess: onDone,
        onError: (error) => {
          const field = error instanceof ApiError && error.field ? FIELD_OF[error.field] : undefined;
          if (field) form.setFields([{ name: field, errors: [errorText(t, error)] }]);
        },
      },
    );
  };

  const failed = submit.error;
  const fieldShown = failed instanceof ApiError && failed.field !== undefined && FIELD_OF[failed.field] !== undefined;

  return (
    <Form<ReportFormValues>
      form={form}
      layout="vertical"
      requiredMark="optional"
      onFinish={onFinish}
      initialValues={{ categoryCode: initialCategory }}
      scrollToFirstError={{ block: 'center', focus: true }}
      data-testid={`report-form-${mode}`}
      className={mode === 'resident' ? 'gl-report-form' : 'gl-report-form gl-report-form-wide'}
    >
      <div className="gl-report-category">
        <Form.Item
          name="categoryCode"
          label={t('report.category')}
          rules={[{ required: true, message: t('report.categoryRequired') }]}
        >
          <CategoryPicker
            onPick={(c) => {
              setCategory(c);
              form.setFieldValue('attributes', undefined);
            }}
          />
        </Form.Item>
      </div>
      <div className="gl-report-location">
        <Form.Item name="location" label={t('location.legend')} rules={[{ required: true, message: t('location.required') }]}>
          <LocationPicker />
        </Form.Item>
      </div>
      <div className="gl-report-rest">
        <Form.Item
          name="description"
          label={t('report.description')}
          rules={[{ required: true, whitespace: true, message: t('report.descriptionRequired') }]}
        >
          <Input.TextArea
            autoSize={{ minRows: 3, maxRows: 8 }}
            maxLength={2000}
            showCount
            placeholder={t('report.descriptionPlaceholder')}
            data-testid="report-description"
          />
        </Form.Item>
        <Form.Item name="address" label={t('report.address')} extra={t('report.addressHint')}>
          <Input maxLength={300} placeholder={t('report.addressPlaceholder')} autoComplete="street-address" />
        </Form.Item>
        <Form.Item name="photos" label={t('photos.label')}>
          <PhotoInput camera={mode !== 'desk'} />
        </Form.Item>
        <AttributeFields attributes={category?.attributes} />
        {mode === 'resident' ? <ContactFields mode="resident" /> : null}
        {mode === 'desk' ? <ContactFields mode="caller" /> : null}
      </div>
      <div className="gl-report-submit">
        {failed && !fieldShown ? (
          <Alert
            className="gl-form-alert"
            type="error"
            showIcon
            title={t('report.failedTitle')}
            description={
              <span data-testid="report-error">
                {errorText(t, failed)} {retryable(failed) ? t('report.retryHint') : null}
              </span>
            }
          />
        ) : null}
        <Button type="primary" htmlType="submit" size="large" block loading={submit.isPending} data-testid="report-submit">
          {submit.isPending ? t('report.sending') : submitLabel}
        </Button>
      </div>
    </Form>
  );
}
