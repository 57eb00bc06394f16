import { Alert, Button, Form, Input, Radio, Rate } from 'antd';
import { useTranslation } from 'react-i18next';
import { PhotoInput } from '../../components/photo-input.tsx';
import { errorText } from '../../lib/error-text.ts';
import { type ReporterAction, useReporterAction } from './tracking-data.ts';

interface VerifyValues {
  fixed?: 'yes' | 'no';
  note?: string;
  reason?: string;
  photos?: File[];
}

/** The reporter checks the result where the category allows it: fixed (note or photo) or not (why). */
export function ReporterVerify({ code }: { code: string }) {
  const { t } = useTranslation();
  const act = useReporterAction(code);
  const [form] = Form.useForm<VerifyValues>();
  const fixed = Form.useWatch('fixed', form);
  return (
    <section className="gl-panel gl-reporter-action" aria-labelledby="verify-title" data-testid="reporter-verify">
      <h2 id="verify-title" className="gl-panel-title">
        {t('track.verifyTitle')}
      </h2>
      <p className="gl-muted">{t('track.verifyIntro')}</p>
      <Form<VerifyValues>
        form={form}
        layout="vertical"
        onFinish={(v) => {
          const action: ReporterAction = v.fixed === 'yes' ? 'verify_pass' : 'verify_fail';
          act.mutate({ action, note: v.note, reason: v.reason, photos: v.photos });
        }}
      >
        <Form.Item name="fixed" label={t('track.fixedQuestion')} rules={[{ required: true, message: t('form.required') }]}>
          <Radio.Group
            role="radiogroup"
            aria-label={t('track.fixedQuestion')}
            options={[
              { value: 'yes', label: t('track.verifyPass') },
              { value: 'no', label: t('track.verifyFail') },
            ]}
          />
        </Form.Item>
        {fixed === 'no' ? (
          <Form.Item name="reason" label={t('track.failReason')} rules={[{ required: true, whitespace: true, message: t('form.required') }]}>
            <Input.TextArea autoSize={{ minRows: 2, maxRows: 6 }} maxLength={1000} />
          </Form.Item>
        ) : null}
        {fixed === 'yes' ? (
          <>
            <Form.Item
              name="note"
              label={t('track.passNote')}
              dependencies={['photos']}
              rules={[
                ({ getFieldValue }) => ({
                  validator: (_, value: string | undefined) =>
                    value?.trim() || (getFieldValue('photos') as File[] | undefined)?.length
                      ? Promise.resolve()
                      : Promise.reject(new Error(t('form.noteOrPhoto'))),
                }),
              ]}
            >
              <Input.TextArea autoSize={{ minRows: 2, maxRows: 6 }} maxLength={2000} />
            </Form.Item>
            <Form.Item name="photos" label={t('photos.label')}>
              <PhotoInput camera />
            </Form.Item>
          </>
        ) : null}
        {act.isError ? <Alert type="error" showIcon title={errorText(t, act.error)} className="gl-form-alert" /> : null}
        <Button type="primary" htmlType="submit" loading={act.isPending} data-testid="verify-submit">
          {t('track.send')}
        </Button>
      </Form>
    </section>
  );
}

interface RateValues {
  rating?: number;
  fixed?: 'yes' | 'no';
  note?: string;
}

/** The reporter's rating of a closed case: 1 to 5 and whether it is fixed ("not fixed" soon after reopens it). */
export function ReporterRate({ code }: { code: string }) {
  const { t } = useTranslation();
  const act = useReporterAction(code);
  const labels = [1, 2, 3, 4, 5].map((n) => t(`track.stars.${n}`));
  return (
    <section className="gl-panel gl-reporter-action" aria-labelledby="rate-title" data-testid="reporter-rate">
      <h2 id="rate-title" className="gl-panel-title">
        {t('track.rateTitle')}
      </h2>
      <Form<RateValues>
        layout="vertical"
        onFinish={(v) =>
          act.mutate({ action: 'rate', rating: v.rating, fixed: v.fixed === 'yes', note: v.note })
        }
      >
        {/* A validator rather than `required`: antd would put aria-required on the stars' list, where it is not allowed. */}
        <Form.Item
          name="rating"
          label={t('track.rating')}
          rules={[{ validator: (_, v?: number) => (v ? Promise.resolve() : Promise.reject(new Error(t('track.ratingRequired')))) }]}
        >
          <Rate tooltips={labels} aria-label={t('track.rating')} className="gl-rate" data-testid="rating" />
        </Form.Item>
        <Form.Item name="fixed" label={t('track.fixedQuestion')} rules={[{ required: true, message: t('form.required') }]}>
          <Radio.Group
            role="radiogroup"
            aria-label={t('track.fixedQuestion')}
            options={[
              { value: 'yes', label: t('form.yes') },
              { value: 'no', label: t('form.no') },
            ]}
          />
        </Form.Item>
        <Form.Item name="note" label={t('track.rateNote')}>
          <Input.TextArea autoSize={{ minRows: 2, maxRows: 6 }} maxLength={2000} />
        </Form.Item>
        {act.isError ? <Alert type="error" showIcon title={errorText(t, act.error)} className="gl-form-alert" /> : null}
        <Button type="primary" htmlType="submit" loading={act.isPending} data-testid="rate-submit">
          {t('track.sendRating')}
        </Button>
      </Form>
    </section>
  );
}
