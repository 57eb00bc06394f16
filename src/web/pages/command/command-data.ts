import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useMemo } from 'react';
import { apiGet, apiPut, withQuery } from '../../api.ts';
import { createThrottle } from '../../lib/throttle.ts';
import { useCaseStream } from '../../lib/use-case-stream.ts';
import type {
  Attenuation,
  IndicatorGrouping,
  IndicatorTable,
  Points,
  Responsibility,
  ResponsibilityEntry,
  Shapes,
  Summary,
  Trend,
} from './command-types.ts';

/** Every query of the command center starts with this key; live events refresh the figures that move. */
const ROOT = 'command';
/** At most one refresh of the live figures per this many milliseconds, however busy the city is. */
export const LIVE_REFRESH_MS = 2000;
const LIVE_KEYS = ['summary', 'points', 'trend'] as const;

/** The node asked for; undefined lets the server choose the caller's top node. */
export type JurisdictionParam = string | undefined;

interface Range {
  from: string;
  to: string;
}

export function useSummary(jurisdiction: JurisdictionParam, period: Range) {
  return useQuery({
    queryKey: [ROOT, 'summary', jurisdiction ?? null, period.from, period.to],
    queryFn: ({ signal }) => apiGet<Summary>(withQuery('/api/command/summary', { jurisdiction, ...period }), signal),
    staleTime: 30_000,
  });
}

export function useTrend(jurisdiction: JurisdictionParam, period: Range) {
  return useQuery({
    queryKey: [ROOT, 'trend', jurisdiction ?? null, period.from, period.to],
    queryFn: ({ signal }) => apiGet<Trend>(withQuery('/api/command/trend', { jurisdiction, ...period }), signal),
    staleTime: 30_000,
  });
}

export function usePoints(jurisdiction: JurisdictionParam) {
  return useQuery({
    queryKey: [ROOT, 'points', jurisdiction ?? null],
    queryFn: ({ signal }) => apiGet<Points>(withQuery('/api/command/points', { jurisdiction }), signal),
    staleTime: 30_000,
    // Up to 100,000 points: comparing them deeply on every refresh costs more than the map's own diff (point-sync.ts).
    structuralSharing: false,
  });
}

export function useShapes(jurisdiction: JurisdictionParam, enabled = true) {
  return useQuery({
    queryKey: [ROOT, 'shapes', jurisdiction ?? null],
    queryFn: ({ signal }) => apiGet<Shapes>(withQuery('/api/command/shapes', { jurisdiction }), signal),
    enabled,
    // Outlines change only when the territory is redrawn.
    staleTime: 30 * 60_000,
  });
}

export function useIndicators(jurisdiction: JurisdictionParam, by: IndicatorGrouping, period: Range) {
  return useQuery({
    queryKey: [ROOT, 'indicators', jurisdiction ?? null, by, period.from, period.to],
    queryFn: ({ signal }) =>
      apiGet<IndicatorTable>(withQuery('/api/command/indicators', { jurisdiction, by, ...period }), signal),
    staleTime: 60_000,
  });
}

export function indicatorsXlsxUrl(jurisdiction: JurisdictionParam, by: IndicatorGrouping, period: Range): string {
  return withQuery('/api/command/indicators', { jurisdiction, by, ...period, format: 'xlsx' });
}

export function bulletinUrl(jurisdiction: JurisdictionParam, week: string, format?: 'xlsx'): string {
  return withQuery('/api/command/bulletin', { jurisdiction, week, format });
}

export function useAttenuation(jurisdiction: JurisdictionParam, period: Range, compare: Range | null) {
  return useQuery({
    queryKey: [ROOT, 'attenuation', jurisdiction ?? null, period.from, period.to, compare?.from ?? null, compare?.to ?? null],
    queryFn: ({ signal }) =>
      apiGet<Attenuation>(
        withQuery('/api/command/attenuation', {
          jurisdiction,
          ...period,
          compareFrom: compare?.from,
          compareTo: compare?.to,
        }),
        signal,
      ),
    staleTime: 60_000,
  });
}

const responsibilityKey = (gridId: string) => [ROOT, 'responsibility', gridId] as const;

export function useResponsibility(gridId: string | null) {
  return useQuery({
    queryKey: responsibilityKey(gridId ?? ''),
    queryFn: ({ signal }) => apiGet<Responsibility>(`/api/grids/${encodeURIComponent(gridId ?? '')}/responsibility`, signal),
    enabled: gridId !== null,
  });
}

export function useSaveResponsibility(gridId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (entries: ResponsibilityEntry[]) =>
      apiPut<Responsibility>(`/api/grids/${encodeURIComponent(gridId)}/responsibility`, { entries }),
    onSuccess: (answer) => {
      if (answer && typeof answer === 'object' && 'chain' in answer) queryClient.setQueryData(responsibilityKey(gridId), answer);
      void queryClient.invalidateQueries({ queryKey: responsibilityKey(gridId) });
    },
  });
}

/**
 * Keeps the live figures (summary, points, trend) current from /api/stream: each case event asks for a refresh, and
 * the refreshes are throttled to one per LIVE_REFRESH_MS. Returns the stream's status.
 */
export function useCommandLive() {
  const queryClient = useQueryClient();
  const throttle = useMemo(
    () =>
      createThrottle(() => {
        for (const key of LIVE_KEYS) void queryClient.invalidateQueries({ queryKey: [ROOT, key] });
      }, LIVE_REFRESH_MS),
    [queryClient],
  );
  useEffect(() => () => throttle.cancel(), [throttle]);
  return useCaseStream(throttle.call);
}
