import { Input, Radio } from 'antd';
import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import { PERIOD_PRESETS, type Period, type PeriodPreset, presetRange } from './period.ts';

interface PeriodPickerProps {
  period: Period;
  today: string;
  onChange: (next: Period) => void;
}

/** Today, the last 7 or 30 days, or a custom range of days (native date fields: keyboard and screen reader friendly). */
export function PeriodPicker({ period, today, onChange }: PeriodPickerProps) {
  const { t } = useTranslation();
  const id = useId();
  const choose = (preset: PeriodPreset) => {
    if (preset === 'custom') onChange({ preset, from: period.from, to: period.to });
    else onChange({ preset, ...presetRange(preset, today) });
  };
  const setDay = (which: 'from' | 'to', value: string) => {
    if (!value) return;
    onChange({ ...period, preset: 'custom', [which]: value });
  };
  return (
    <fieldset className="gl-command-period" data-testid="period-picker">
      <legend className="gl-visually-hidden">{t('command.period.label')}</legend>
      <Radio.Group
        optionType="button"
        size="small"
        value={period.preset}
        onChange={(e) => choose(e.target.value as PeriodPreset)}
        options={PERIOD_PRESETS.map((p) => ({ value: p, label: t(`command.period.${p}`) }))}
      />
      {period.preset === 'custom' ? (
        <span className="gl-command-period-range">
          <label htmlFor={`${id}-from`} className="gl-visually-hidden">
            {t('command.period.from')}
          </label>
          <Input
            id={`${id}-from`}
            size="small"
            type="date"
            max={period.to}
            value={period.from}
            onChange={(e) => setDay('from', e.target.value)}
            data-testid="period-from"
          />
          <span aria-hidden="true">–</span>
          <label htmlFor={`${id}-to`} className="gl-visually-hidden">
            {t('command.period.to')}
          </label>
          <Input
            id={`${id}-to`}
            size="small"
            type="date"
            min={period.from}
            max={today}
            value={period.to}
            onChange={(e) => setDay('to', e.target.value)}
            data-testid="period-to"
          />
        </span>
      ) : null}
    </fieldset>
  );
}
