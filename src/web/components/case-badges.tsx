import { CheckCircleFilled, ClockCircleFilled, ExclamationCircleFilled, PauseCircleFilled } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import type { Light } from '../case-types.ts';

const LIGHT_ICON = {
  green: <CheckCircleFilled />,
  yellow: <ClockCircleFilled />,
  red: <ExclamationCircleFilled />,
} as const;

/** The traffic light as icon, colour and words: never colour alone. */
export function LightBadge({ light, parked = false }: { light: Light | null; parked?: boolean }) {
  const { t } = useTranslation();
  if (parked) {
    return (
      <span className="gl-light gl-light-parked" data-light="parked">
        <PauseCircleFilled aria-hidden="true" />
        <span>{t('light.parked')}</span>
      </span>
    );
  }
  if (!light) return null;
  return (
    <span className={`gl-light gl-light-${light}`} data-light={light}>
      <span aria-hidden="true">{LIGHT_ICON[light]}</span>
      <span>{t(`light.${light}`)}</span>
    </span>
  );
}

const STATE_TONE: Record<string, string> = {
  reported: 'new',
  accepted: 'new',
  confirmed: 'work',
  registered: 'work',
  dispatched: 'work',
  handling: 'work',
  handled: 'check',
  verified: 'check',
  closed: 'done',
  rejected: 'end',
  merged: 'end',
  voided: 'end',
  transferred: 'end',
};

export function StateTag({ state }: { state: string }) {
  const { t } = useTranslation();
  return (
    <span className={`gl-state gl-state-${STATE_TONE[state] ?? 'end'}`} data-state={state}>
      {t(`caseState.${state}`, { defaultValue: state })}
    </span>
  );
}
