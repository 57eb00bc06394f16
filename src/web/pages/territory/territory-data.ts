import { useQuery } from '@tanstack/react-query';
import { apiGet, apiRequest, withQuery } from '../../api.ts';
import { useLanguage } from '../../lib/use-language.ts';
import type { Jurisdiction, JurisdictionDetail, Names, Page, TerritoryCollection } from '../../types.ts';

const PAGE_SIZE = 1000;
// A guard against a cursor that never ends; 200 pages are 200,000 nodes, far beyond one city.
const MAX_PAGES = 200;

async function fetchAllJurisdictions(signal: AbortSignal): Promise<Jurisdiction[]> {
  const items: Jurisdiction[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < MAX_PAGES; page++) {
    const answer: Page<Jurisdiction> = await apiGet<Page<Jurisdiction>>(
      withQuery('/api/jurisdictions', { limit: PAGE_SIZE, cursor }),
      signal,
    );
    items.push(...answer.items);
    cursor = answer.next;
    if (!cursor) break;
  }
  return items;
}

export function useJurisdictions() {
  return useQuery({
    queryKey: ['jurisdictions', 'visible'],
    queryFn: ({ signal }) => fetchAllJurisdictions(signal),
    staleTime: 5 * 60_000,
  });
}

export function useTerritoryExport() {
  return useQuery({
    queryKey: ['territory', 'export'],
    queryFn: ({ signal }) => apiGet<TerritoryCollection>('/api/territory/export', signal),
    staleTime: 5 * 60_000,
  });
}

/**
 * The public outline (city, districts, streets; simplified) that every point map draws for orientation and fits to.
 * Public and cached by the server: no cookie, so the report page of a signed-in clerk asks the same as a resident's.
 */
export function useTerritoryOutline() {
  const lang = useLanguage();
  return useQuery({
    queryKey: ['territory', 'outline', lang],
    queryFn: ({ signal }) => apiRequest<TerritoryCollection>('/api/territory/outline', { signal, anonymous: true }),
    staleTime: 30 * 60_000,
    // The map falls back to a fixed centre when the outline fails: do not keep it waiting.
    retry: 1,
    placeholderData: (previous) => previous,
  });
}

export interface DistrictRef {
  id: string;
  code: string;
  level: string;
  name: string;
  names: Names;
}

/** Every district of the city (public): where a case may be transferred, whatever the caller's own scope. */
export function useDistricts(enabled = true) {
  return useQuery({
    queryKey: ['territory', 'districts'],
    queryFn: ({ signal }) => apiGet<{ items: DistrictRef[] }>('/api/territory/districts', signal).then((r) => r.items),
    staleTime: 30 * 60_000,
    enabled,
  });
}

/** Area and validity come from the item endpoint; out-of-scope ancestors answer 404 and show what the list gave. */
export function useJurisdictionDetail(id: string | null, enabled: boolean) {
  return useQuery({
    queryKey: ['jurisdictions', 'detail', id],
    queryFn: ({ signal }) => apiGet<JurisdictionDetail>(`/api/jurisdictions/${encodeURIComponent(id ?? '')}`, signal),
    enabled: enabled && id !== null,
    staleTime: 5 * 60_000,
  });
}
