import { Alert, Button, Descriptions, Form, Modal } from 'antd';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../api.ts';
import type { CaseAction, CaseDetail } from '../../case-types.ts';
import { DateTime } from '../../components/due-text.tsx';
import { errorText } from '../../lib/error-text.ts';
import { wallTimeToIso } from '../../lib/format.ts';
import { useTimezone } from '../../lib/reference-data.ts';
import { ActionInput } from './action-inputs.tsx';
import { ACTION_SPECS, type ActionValues, actionBody } from './action-specs.ts';
import { useCaseAction } from './case-data.ts';

interface ActionDialogProps {
  action: CaseAction | null;
  detail: CaseDetail;
  /** Values chosen before opening, e.g. the primary case from "merge into this". */
  preset?: Partial<ActionValues>;
  onClose: () => void;
  onDone: (action: CaseAction) => void;
  onReload: () => void;
}

/** A small form with exactly the fields the action needs; the server's complaint lands next to the field it names. */
export function ActionDialog({ action, detail, preset, onClose, onDone, onReload }: ActionDialogProps) {
  const { t } = useTranslation();
  const timezone = useTimezone() ?? 'Asia/Shanghai';
  const [form] = Form.useForm<ActionValues>();
  const act = useCaseAction(detail.id);
  const spec = action ? ACTION_SPECS[action] : undefined;

  // biome-ignore lint/correctness/useExhaustiveDependencies: reset only when another action is opened
  useEffect(() => {
    if (!action) return;
    act.reset();
    form.resetFields();
    form.setFieldsValue({
      categoryCode: detail.categoryCode,
      priority: detail.priority,
      departmentId: action === 'dispatch' ? (detail.suggestedDepartmentId ?? undefined) : undefined,
      ...preset,
    });
  }, [action, form]);

  if (!action || !spec) return null;
  const fieldNames = new Set<string>(spec.fields.map((f) => f.name));

  const onFinish = (values: ActionValues) => {
    const converted: ActionValues = { ...values };
    if (values.newDeadline) converted.newDeadline = wallTimeToIso(values.newDeadline, timezone) ?? values.newDeadline;
    act.mutate(
      { action, body: actionBody(action, converted, detail.version) },
      {
        onSuccess: () => onDone(action),
        onError: (error) => {
          if (error instanceof ApiError && error.field && fieldNames.has(error.field)) {
            form.setFields([{ name: error.field as keyof ActionValues, errors: [errorText(t, error)] }]);
          }
        },
      },
    );
  };

  const error = act.error;
  const onField = error instanceof ApiError && error.field !== undefined && fieldNames.has(error.field);
  const stale = error instanceof ApiError && (error.code === 'CASE_CHANGED' || error.code === 'TRANSITION_NOT_ALLOWED');
  const title = t(`caseAction.${action}`);

  return (
    <Modal
      open
      title={title}
      onCancel={onClose}
      destroyOnHidden
      data-testid={`action-dialog-${action}`}
      footer={[
        <Button key="cancel" onClick={onClose}>
          {t('form.cancel')}
        </Button>,
        <Button
          key="submit"
          type="primary"
          danger={spec.danger}
          loading={act.isPending}
          onClick={() => form.submit()}
          data-testid="action-submit"
        >
          {title}
        </Button>,
      ]}
    >
      <p className="gl-muted gl-action-help">{t(`actionHelp.${action}`)}</p>
      {action === 'approve_extension' || action === 'deny_extension' ? <ExtensionFacts detail={detail} /> : null}
      <Form<ActionValues> form={form} layout="vertical" onFinish={onFinish} name={`action-${action}`} requiredMark="optional">
        {spec.fields.map((f) => (
          <ActionInput key={f.name} name={f.name} required={f.required} detail={detail} noteOrPhoto={spec.noteOrPhoto === true} />
        ))}
        {error && !onField ? (
          <Alert
            type="error"
            showIcon
            className="gl-form-alert"
            title={errorText(t, error)}
            data-testid="action-error"
            action={
              stale ? (
                <Button size="small" onClick={onReload}>
                  {t('casePage.reload')}
                </Button>
              ) : undefined
            }
          />
        ) : null}
      </Form>
    </Modal>
  );
}

/** What the approver decides on: the deadline now and the one asked for. */
function ExtensionFacts({ detail }: { detail: CaseDetail }) {
  const { t } = useTranslation();
  const none = t('casePage.noDeadline');
  return (
    <Descriptions
      size="small"
      column={1}
      className="gl-descriptions gl-extension-facts"
      data-testid="extension-facts"
      items={[
        { key: 'current', label: t('casePage.deadline'), children: detail.deadlineAt ? <DateTime iso={detail.deadlineAt} /> : none },
        {
          key: 'requested',
          label: t('casePage.requestedDeadline'),
          children: detail.requestedDeadline ? (
            <span data-testid="requested-deadline">
              <DateTime iso={detail.requestedDeadline} />
            </span>
          ) : (
            none
          ),
        },
      ]}
    />
  );
}
