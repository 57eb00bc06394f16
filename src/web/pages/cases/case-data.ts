import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useMemo } from 'react';
import { apiGet, apiPost, apiRequest, withQuery } from '../../api.ts';
import type { CaseDetail, CaseListPage, CaseSummary, InboxQueue, Reporter, TimelineEntry } from '../../case-types.ts';
import { wallTimeToIso } from '../../lib/format.ts';
import { useTimezone } from '../../lib/reference-data.ts';
import { useJurisdictions } from '../territory/territory-data.ts';
import { apiQueryOf, type CaseFilters } from './case-filters.ts';

const PAGE_SIZE = 25;

export function useCase(id: string) {
  return useQuery({
    queryKey: ['case', id],
    queryFn: ({ signal }) => apiGet<CaseDetail>(`/api/cases/${encodeURIComponent(id)}`, signal),
    staleTime: 10_000,
  });
}

export function useTimeline(id: string) {
  return useQuery({
    queryKey: ['case', id, 'timeline'],
    queryFn: ({ signal }) => apiGet<{ items: TimelineEntry[] }>(`/api/cases/${encodeURIComponent(id)}/timeline`, signal).then((r) => r.items),
    staleTime: 10_000,
  });
}

export function useInbox() {
  return useQuery({
    queryKey: ['inbox'],
    queryFn: ({ signal }) => apiGet<{ queues: InboxQueue[] }>('/api/inbox', signal).then((r) => r.queues),
    staleTime: 10_000,
    // Clocks turn red by themselves: refresh now and then even without events.
    refetchInterval: 120_000,
  });
}

export function useCaseList(filters: CaseFilters) {
  const timezone = useTimezone() ?? 'Asia/Shanghai';
  const query = apiQueryOf(filters, (day) => wallTimeToIso(`${day}T00:00`, timezone));
  return useInfiniteQuery({
    queryKey: ['cases', 'list', query],
    queryFn: ({ signal, pageParam }) =>
      apiGet<CaseListPage>(withQuery('/api/cases', { ...query, limit: PAGE_SIZE, cursor: pageParam }), signal),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.next,
    staleTime: 10_000,
  });
}

/** Grid names for the ids a case carries: from the jurisdictions the caller can see. */
export function useJurisdictionNames() {
  const jurisdictions = useJurisdictions();
  return useMemo(() => new Map((jurisdictions.data ?? []).map((j) => [j.id, j])), [jurisdictions.data]);
}

export type ActionBody = Record<string, unknown> | FormData;

export function useCaseAction(id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ action, body }: { action: string; body: ActionBody }) =>
      apiRequest<CaseSummary>(`/api/cases/${encodeURIComponent(id)}/actions/${action}`, { method: 'POST', body }),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: ['case', id] });
      void queryClient.invalidateQueries({ queryKey: ['inbox'] });
      void queryClient.invalidateQueries({ queryKey: ['cases'] });
    },
  });
}

export function useRevealReporter(id: string) {
  return useMutation({
    mutationFn: (reason: string) => apiPost<Reporter>(`/api/cases/${encodeURIComponent(id)}/reveal-reporter`, { reason }),
  });
}
