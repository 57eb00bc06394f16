import { Alert, Button, Progress, Radio } from 'antd';
import { useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../api.ts';
import { errorText } from '../../lib/error-text.ts';
import {
  formatDuration,
  IMPORT_KINDS,
  type ImportKind,
  type ImportMode,
  type ImportStatus,
  importErrorsUrl,
  importPercent,
  isRunning,
  useCancelImport,
  useImportStatus,
  useStartImport,
} from './registry-data.ts';

const ACCEPT = '.csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

export function ImportPage() {
  const { t, i18n } = useTranslation();
  const [kind, setKind] = useState<ImportKind>('persons');
  const [mode, setMode] = useState<ImportMode>('skip');
  const [file, setFile] = useState<File | null>(null);
  const [fileError, setFileError] = useState<string | null>(null);
  const [importId, setImportId] = useState<string | null>(null);
  const start = useStartImport();
  const cancel = useCancelImport();
  const status = useImportStatus(importId);
  const fileInput = useRef<HTMLInputElement>(null);
  const ids = useId();
  const fileId = `${ids}-file`;
  const fileErrorId = `${ids}-file-error`;

  useEffect(() => {
    document.title = `${t('registry.import.title')} · ${t('app.name')}`;
  }, [t]);

  const submit = () => {
    setFileError(null);
    if (!file) {
      setFileError(t('registry.import.noFile'));
      fileInput.current?.focus();
      return;
    }
    start.mutate(
      { kind, mode, file },
      {
        onSuccess: (r) => setImportId(r.id),
        onError: (error) => {
          // File-level problems (encoding, columns, empty file) are shown next to the file input.
          if (error instanceof ApiError && (error.field === undefined || error.field === 'file' || error.field === 'mapping')) {
            setFileError(errorText(t, error));
            fileInput.current?.focus();
          }
        },
      },
    );
  };

  const current = status.data;
  const running = isRunning(current) || (importId !== null && !current);
  const nf = new Intl.NumberFormat(i18n.language);

  return (
    <div className="gl-page gl-registry-page" data-testid="registry-import-page">
      <h1 className="gl-page-title">{t('registry.import.title')}</h1>
      <p className="gl-page-intro">{t('registry.import.intro')}</p>
      <form
        className="gl-panel gl-import-form"
        aria-labelledby={`${ids}-form-title`}
        onSubmit={(e) => {
          e.preventDefault();
          submit();
        }}
      >
        <h2 id={`${ids}-form-title`} className="gl-panel-title">
          {t('registry.import.formTitle')}
        </h2>
        <fieldset className="gl-fieldset">
          <legend>{t('registry.import.kind')}</legend>
          <Radio.Group value={kind} onChange={(e) => setKind(e.target.value as ImportKind)} disabled={running} data-testid="import-kind">
            {IMPORT_KINDS.map((k) => (
              <Radio key={k} value={k} data-testid={`import-kind-${k}`}>
                {t(`registry.kinds.${k}`)}
              </Radio>
            ))}
          </Radio.Group>
        </fieldset>
        <div className="gl-field">
          <label htmlFor={fileId} className="gl-field-label">
            {t('registry.import.file')}
          </label>
          <input
            ref={fileInput}
            id={fileId}
            type="file"
            accept={ACCEPT}
            disabled={running}
            data-testid="import-file"
            aria-invalid={fileError ? true : undefined}
            aria-describedby={fileError ? `${fileErrorId} ${ids}-file-help` : `${ids}-file-help`}
            onChange={(e) => {
              setFile(e.target.files?.[0] ?? null);
              setFileError(null);
            }}
          />
          <p id={`${ids}-file-help`} className="gl-field-hint">
            {t('registry.import.fileHelp')}
          </p>
          {fileError ? (
            <p id={fileErrorId} className="gl-field-error" role="alert" data-testid="import-file-error">
              {fileError}
            </p>
          ) : null}
        </div>
        <fieldset className="gl-fieldset">
          <legend>{t('registry.import.mode')}</legend>
          <Radio.Group value={mode} onChange={(e) => setMode(e.target.value as ImportMode)} disabled={running}>
            <Radio value="skip">{t('registry.import.modeSkip')}</Radio>
            <Radio value="update">{t('registry.import.modeUpdate')}</Radio>
          </Radio.Group>
        </fieldset>
        {start.isError && !fileError ? (
          <Alert type="error" showIcon title={errorText(t, start.error)} className="gl-form-alert" />
        ) : null}
        <div className="gl-form-actions">
          <Button type="primary" htmlType="submit" loading={start.isPending} disabled={running} data-testid="import-submit">
            {t('registry.import.submit')}
          </Button>
        </div>
      </form>
      {importId ? (
        <ImportProgress
          status={current}
          loadError={status.error}
          nf={nf}
          cancelling={cancel.isPending}
          cancelError={cancel.error}
          onCancel={() => cancel.mutate(importId, { onSettled: () => void status.refetch() })}
        />
      ) : null}
    </div>
  );
}

interface ProgressProps {
  status: ImportStatus | undefined;
  loadError: unknown;
  nf: Intl.NumberFormat;
  cancelling: boolean;
  cancelError: unknown;
  onCancel: () => void;
}

function ImportProgress({ status, loadError, nf, cancelling, cancelError, onCancel }: ProgressProps) {
  const { t } = useTranslation();
  const ids = useId();
  if (!status) {
    return (
      <section className="gl-panel gl-import-progress" aria-labelledby={`${ids}-title`}>
        <h2 id={`${ids}-title`} className="gl-panel-title">
          {t('registry.import.progressTitle')}
        </h2>
        {loadError ? <Alert type="error" showIcon title={errorText(t, loadError)} /> : <p className="gl-muted">{t('registry.import.starting')}</p>}
      </section>
    );
  }
  const running = isRunning(status);
  const percent = importPercent(status);
  const progressStatus = status.status === 'failed' ? 'exception' : status.status === 'done' ? 'success' : running ? 'active' : 'normal';
  const counts: [string, number][] = [
    ['rowsRead', status.rowsRead],
    ['rowsWritten', status.rowsWritten],
    ['rowsUpdated', status.rowsUpdated],
    ['rowsSkipped', status.rowsSkipped],
    ['rowsRefused', status.rowsRefused],
  ];
  return (
    <section className="gl-panel gl-import-progress" aria-labelledby={`${ids}-title`} data-testid="import-progress" data-status={status.status}>
      <h2 id={`${ids}-title`} className="gl-panel-title">
        {t('registry.import.progressTitle')}
      </h2>
      <p className="gl-import-state" role="status" data-testid="import-state">
        {t(`registry.importState.${status.status}`, { defaultValue: status.status })} · {status.fileName}
      </p>
      <Progress percent={percent} status={progressStatus} aria-label={t('registry.import.progressLabel')} />
      <dl className="gl-import-counts">
        {counts.map(([key, value]) => (
          <div key={key} data-testid={`import-${key}`}>
            <dt>{t(`registry.import.${key}`)}</dt>
            <dd>{nf.format(value)}</dd>
          </div>
        ))}
        {running ? (
          <>
            <div>
              <dt>{t('registry.import.rate')}</dt>
              <dd>{status.rowsPerSecond !== null ? t('registry.import.rowsPerSecond', { rate: nf.format(Math.round(status.rowsPerSecond)) }) : '—'}</dd>
            </div>
            <div>
              <dt>{t('registry.import.eta')}</dt>
              <dd>{status.etaSeconds !== null ? formatDuration(status.etaSeconds) : '—'}</dd>
            </div>
          </>
        ) : null}
      </dl>
      {status.message ? <Alert type="error" showIcon title={status.message} className="gl-form-alert" /> : null}
      {cancelError ? <Alert type="error" showIcon title={errorText(t, cancelError)} className="gl-form-alert" /> : null}
      {running ? (
        <Button danger onClick={onCancel} loading={cancelling} data-testid="import-cancel">
          {t('registry.import.cancel')}
        </Button>
      ) : (
        <div className="gl-import-summary" data-testid="import-summary">
          <p>
            {t(`registry.import.summary.${status.status === 'done' ? 'done' : status.status === 'cancelled' ? 'cancelled' : 'failed'}`, {
              written: nf.format(status.rowsWritten),
              updated: nf.format(status.rowsUpdated),
              skipped: nf.format(status.rowsSkipped),
              refused: nf.format(status.rowsRefused),
            })}
          </p>
          {status.rowsRefused > 0 || status.status === 'failed' ? (
            <a href={importErrorsUrl(status.id)} download data-testid="import-errors-link">
              {t('registry.import.errorsLink', { count: status.rowsRefused })}
            </a>
          ) : null}
        </div>
      )}
    </section>
  );
}
