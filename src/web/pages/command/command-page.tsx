import { PageFallback } from '../../components/page-fallback.tsx';
import { useConfig } from '../../session.ts';
import { CommandDashboard } from './command-dashboard.tsx';
import './command.css';

/** `/command`: the dashboard at a desk, inside the app's shell. */
export function CommandPage() {
  const config = useConfig();
  // Days are the city's: the period cannot be read before the server's time zone is known.
  if (!config.data) return <PageFallback />;
  return (
    <div className="gl-page gl-command-desk-page">
      <CommandDashboard mode="desk" timezone={config.data.timezone} basemapStyleUrl={config.data.basemapStyleUrl} />
    </div>
  );
}
