import { EyeOutlined } from '@ant-design/icons';
import { Alert, Button, Form, Input, Modal } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CaseDetail, Reporter } from '../../case-types.ts';
import { errorText } from '../../lib/error-text.ts';
import { rolesOf, useSession } from '../../session.ts';
import type { Role } from '../../types.ts';
import { useRevealReporter } from './case-data.ts';

/** The roles the server lets reveal a contact (src/server/policy.ts, cases.reveal). */
const MAY_REVEAL: readonly Role[] = ['admin', 'leader', 'shift_lead', 'dispatcher', 'intake_clerk'];

/** The reporter's contact, masked; shown in full only with a reason, which goes to the audit log. */
export function CaseReporter({ detail }: { detail: CaseDetail }) {
  const { t } = useTranslation();
  const session = useSession();
  const held = rolesOf(session.data);
  const reveal = useRevealReporter(detail.id);
  const [asking, setAsking] = useState(false);
  const [revealed, setRevealed] = useState<Reporter | null>(null);
  const [form] = Form.useForm<{ reason: string }>();
  const reporter = revealed ?? detail.reporter;
  const hasContact = Boolean(reporter.name || reporter.phone || reporter.email);
  const mayReveal = MAY_REVEAL.some((r) => held.has(r));

  return (
    <section className="gl-panel" aria-labelledby="case-reporter-title" data-testid="case-reporter">
      <h2 id="case-reporter-title" className="gl-panel-title">
        {t('reporter.title')}
      </h2>
      {reporter.anonymous ? (
        <p className="gl-muted">{t('reporter.anonymous')}</p>
      ) : !hasContact ? (
        <p className="gl-muted">{t('reporter.none')}</p>
      ) : (
        <dl className="gl-facts">
          {(['name', 'phone', 'email'] as const).map((k) =>
            reporter[k] ? (
              <div key={k}>
                <dt>{t(`reporter.${k}`)}</dt>
                <dd data-testid={`reporter-${k}`}>{reporter[k]}</dd>
              </div>
            ) : null,
          )}
        </dl>
      )}
      {reporter.masked && hasContact && mayReveal ? (
        <Button icon={<EyeOutlined />} onClick={() => setAsking(true)} data-testid="reveal-reporter">
          {t('reporter.reveal')}
        </Button>
      ) : null}
      <Modal
        open={asking}
        title={t('reporter.revealTitle')}
        onCancel={() => setAsking(false)}
        okText={t('reporter.revealSubmit')}
        cancelText={t('form.cancel')}
        confirmLoading={reveal.isPending}
        onOk={() => form.submit()}
        destroyOnHidden
      >
        <p className="gl-muted">{t('reporter.revealHint')}</p>
        <Form
          form={form}
          layout="vertical"
          onFinish={({ reason }) =>
            reveal.mutate(reason.trim(), {
              onSuccess: (r) => {
                setRevealed(r);
                setAsking(false);
              },
            })
          }
        >
          <Form.Item
            name="reason"
            label={t('reporter.revealReason')}
            rules={[{ required: true, whitespace: true, min: 2, message: t('reporter.revealReasonRequired') }]}
          >
            <Input.TextArea autoSize={{ minRows: 2, maxRows: 4 }} maxLength={500} />
          </Form.Item>
          {reveal.isError ? <Alert type="error" showIcon title={errorText(t, reveal.error)} /> : null}
        </Form>
      </Modal>
    </section>
  );
}
