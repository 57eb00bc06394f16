import { useQuery } from '@tanstack/react-query';
import { apiGet, withQuery } from '../../api.ts';
import type { Jurisdiction, JurisdictionDetail, Page, TerritoryCollection } from '../../types.ts';

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

/** Area and validity come from the item endpoint; out-of-scope ancestors answer 404 and show what the list gave. */
export function useJurisdictionDetail(id: string | null, enabled: boolean) {
  return useQuery({
    queryKey: ['jurisdictions', 'detail', id],
    queryFn: ({ signal }) => apiGet<JurisdictionDetail>(`/api/jurisdictions/${encodeURIComponent(id ?? '')}`, signal),
    enabled: enabled && id !== null,
    staleTime: 5 * 60_000,
  });
}
