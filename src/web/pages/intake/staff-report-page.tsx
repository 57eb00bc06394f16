import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ReportResult } from '../../case-types.ts';
import type { PickedLocation } from '../../components/location-picker.tsx';
import { ReportForm } from '../report/report-form.tsx';
import { IntakeDone } from './intake-done.tsx';

/** Where the grid worker stands: asked once when the page opens, since a patrol report is made on the spot. */
function useDevicePosition(enabled: boolean): PickedLocation | undefined {
  const [position, setPosition] = useState<PickedLocation | undefined>();
  useEffect(() => {
    if (!enabled || !('geolocation' in navigator)) return;
    navigator.geolocation.getCurrentPosition(
      (p) => setPosition({ lat: p.coords.latitude, lng: p.coords.longitude, source: 'device', accuracy: p.coords.accuracy }),
      () => undefined,
      { enableHighAccuracy: true, timeout: 15_000, maximumAge: 30_000 },
    );
  }, [enabled]);
  return position;
}

/** The hotline desk form (intake clerk) and the grid worker's patrol report: staff intake in one shape. */
export function StaffReportPage({ mode }: { mode: 'desk' | 'patrol' }) {
  const { t } = useTranslation();
  const position = useDevicePosition(mode === 'patrol');
  const [result, setResult] = useState<ReportResult | null>(null);
  const [formKey, setFormKey] = useState(0);
  const title = t(`intake.${mode}Title`);

  useEffect(() => {
    document.title = `${title} · ${t('app.name')}`;
  }, [t, title]);

  return (
    <div className="gl-page gl-intake-page" data-testid={`${mode}-page`}>
      <h1 className="gl-page-title">{title}</h1>
      <p className="gl-page-intro">{t(`intake.${mode}Intro`)}</p>
      {result ? (
        <IntakeDone
          result={result}
          onAnother={() => {
            setResult(null);
            setFormKey((k) => k + 1);
          }}
        />
      ) : (
        <div className="gl-intake-form">
          <ReportForm
            key={formKey}
            mode={mode}
            initialLocation={position}
            submitLabel={t(`intake.${mode}Submit`)}
            onDone={setResult}
          />
        </div>
      )}
    </div>
  );
}
