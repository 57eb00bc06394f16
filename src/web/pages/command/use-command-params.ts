import { useCallback, useMemo } from 'react';
import { useLocation, useSearchParams } from 'react-router';
import { todayIn } from '../../lib/format.ts';
import { type Period, periodFromParams, withPeriod } from './period.ts';

export const DESK_PATH = '/command';
export const WALL_PATH = '/command/wall';

/** An id from the address is passed on only when it could be one (the server answers 404 for unknown ids). */
function jurisdictionParam(value: string | null): string | undefined {
  const v = value?.trim();
  return v && v.length <= 64 && /^[0-9a-zA-Z-]+$/.test(v) ? v : undefined;
}

/**
 * The dashboard's state lives in the address: `?jurisdiction=` (absent: the caller's top node, chosen by the server)
 * and the period. Drilling down pushes a history entry, so Back goes up a level; a period change replaces it.
 */
export function useCommandParams(timezone: string) {
  const [params, setParams] = useSearchParams();
  const { pathname } = useLocation();
  const today = todayIn(timezone);
  const period = useMemo(() => periodFromParams(params, today), [params, today]);
  const jurisdiction = jurisdictionParam(params.get('jurisdiction'));

  const setPeriod = useCallback((next: Period) => setParams((prev) => withPeriod(prev, next), { replace: true }), [setParams]);

  /** The address of the dashboard at a node, in this mode or the other (links: the breadcrumb, wall and desk mode). */
  const hrefFor = useCallback(
    (id: string | undefined, mode?: 'desk' | 'wall') => {
      const next = new URLSearchParams(params);
      if (id) next.set('jurisdiction', id);
      else next.delete('jurisdiction');
      const qs = next.toString();
      const path = mode === 'wall' ? WALL_PATH : mode === 'desk' ? DESK_PATH : pathname;
      return qs ? `${path}?${qs}` : path;
    },
    [params, pathname],
  );

  const drillTo = useCallback(
    (id: string) =>
      setParams((prev) => {
        const next = new URLSearchParams(prev);
        next.set('jurisdiction', id);
        return next;
      }),
    [setParams],
  );

  return { today, period, jurisdiction, setPeriod, hrefFor, drillTo };
}
