import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { ApiError, apiGet, withQuery } from '../api.ts';
import type { CalendarView, CategoryFamily, Department, LocateResult } from '../case-types.ts';
import { currentLanguage } from '../i18n/i18n.ts';
import { useConfig } from '../session.ts';

export function useCategories() {
  return useQuery({
    // Names come in all three languages; the key still carries the language since `name` follows Accept-Language.
    queryKey: ['categories', currentLanguage()],
    queryFn: ({ signal }) => apiGet<{ items: CategoryFamily[] }>('/api/categories', signal).then((r) => r.items),
    staleTime: 10 * 60_000,
  });
}

export function useDepartments(enabled = true) {
  return useQuery({
    queryKey: ['departments'],
    queryFn: ({ signal }) => apiGet<{ items: Department[] }>('/api/departments', signal).then((r) => r.items),
    staleTime: 10 * 60_000,
    enabled,
  });
}

export function useCalendar() {
  return useQuery({
    queryKey: ['calendar'],
    queryFn: ({ signal }) => apiGet<CalendarView>('/api/calendar', signal),
    staleTime: 10 * 60_000,
  });
}

/** Where a point falls: the grid and its chain, or (outside every grid) the nearest grid and its distance. */
export type Placement =
  | { kind: 'grid'; result: LocateResult }
  | { kind: 'outside'; nearest: { name: string; names?: Record<string, string>; distanceMeters: number } | null };

interface OutsideDetails {
  nearest?: { names?: Record<string, string>; distanceMeters?: number } | null;
}

async function locate(lat: number, lng: number, signal: AbortSignal): Promise<Placement> {
  try {
    const result = await apiGet<LocateResult>(withQuery('/api/grids/locate', { lat, lng, coordSys: 'wgs84' }), signal);
    return { kind: 'grid', result };
  } catch (error) {
    if (error instanceof ApiError && error.code === 'OUTSIDE_GRIDS') {
      const near = (error.details as OutsideDetails | undefined)?.nearest;
      return {
        kind: 'outside',
        nearest: near?.names
          ? { name: near.names.en ?? '', names: near.names, distanceMeters: near.distanceMeters ?? 0 }
          : null,
      };
    }
    throw error;
  }
}

// About 1 m: a pin nudged by a pixel does not ask again.
const round = (v: number) => Math.round(v * 1e5) / 1e5;

export function usePlacement(point: { lat: number; lng: number } | null) {
  const lat = point ? round(point.lat) : null;
  const lng = point ? round(point.lng) : null;
  return useQuery({
    queryKey: ['locate', lat, lng],
    queryFn: ({ signal }) => locate(lat ?? 0, lng ?? 0, signal),
    enabled: lat !== null && lng !== null,
    staleTime: 10 * 60_000,
    placeholderData: keepPreviousData,
  });
}

/** The server's time zone: every time on screen is shown in it (a deadline at 17:30 means 17:30 in the city). */
export function useTimezone(): string | undefined {
  return useConfig().data?.timezone;
}
