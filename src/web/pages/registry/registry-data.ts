import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { apiGet, apiPost, apiRequest, withQuery } from '../../api.ts';
import type { Names, Page } from '../../types.ts';

export const IMPORT_KINDS = ['persons', 'households', 'buildings', 'places', 'components', 'organisations'] as const;
export type ImportKind = (typeof IMPORT_KINDS)[number];
export type ImportMode = 'update' | 'skip';
export type ImportState = 'queued' | 'running' | 'done' | 'failed' | 'cancelled';

export interface ImportStatus {
  id: string;
  kind: string;
  mode: string;
  status: ImportState | string;
  fileName: string;
  rowsRead: number;
  rowsWritten: number;
  rowsUpdated: number;
  rowsSkipped: number;
  rowsRefused: number;
  bytesRead: number;
  bytesTotal: number;
  rowsPerSecond: number | null;
  etaSeconds: number | null;
  message: string | null;
  createdAt: string;
  finishedAt: string | null;
}

export function isRunning(status: ImportStatus | undefined): boolean {
  return status !== undefined && (status.status === 'running' || status.status === 'queued');
}

/** Share of the file read, 0–100; a finished import is complete whatever the byte count says. */
export function importPercent(status: ImportStatus): number {
  if (status.status === 'done') return 100;
  if (status.bytesTotal <= 0) return 0;
  return Math.min(100, Math.floor((status.bytesRead / status.bytesTotal) * 100));
}

export function useStartImport() {
  return useMutation({
    mutationFn: (input: { kind: ImportKind; mode: ImportMode; file: File }) => {
      const form = new FormData();
      // Fields before the file: the server reads the parts in order.
      form.append('kind', input.kind);
      form.append('mode', input.mode);
      form.append('file', input.file, input.file.name);
      return apiRequest<{ id: string }>('/api/imports', { method: 'POST', body: form });
    },
  });
}

export function useImportStatus(id: string | null) {
  return useQuery({
    queryKey: ['imports', id],
    queryFn: ({ signal }) => apiGet<ImportStatus>(`/api/imports/${encodeURIComponent(id ?? '')}`, signal),
    enabled: id !== null,
    refetchInterval: (query) => (query.state.data && !isRunning(query.state.data) ? false : 1000),
  });
}

export function useCancelImport() {
  return useMutation({
    mutationFn: (id: string) => apiPost<ImportStatus>(`/api/imports/${encodeURIComponent(id)}/cancel`),
  });
}

export function importErrorsUrl(id: string): string {
  return `/api/imports/${encodeURIComponent(id)}/errors`;
}

export interface Person {
  id: string;
  name: string;
  idType: string;
  idNumber: string | null;
  phone: string | null;
  birthDate: string | null;
  gender: string | null;
  careTags: string[];
  gridId: string | null;
  residenceType: string | null;
  householdId: string | null;
  householdNumber: string | null;
  buildingId: string | null;
  address: string | null;
  masked: boolean;
}

export interface Residence {
  householdId: string | null;
  buildingId: string | null;
  relation: string | null;
  residenceType: string;
  movedIn: string | null;
  movedOut: string | null;
}

export type PersonRecord = Person & { residences: Residence[] };

export function usePersonSearch(q: string) {
  return useQuery({
    queryKey: ['persons', 'search', q],
    queryFn: ({ signal }) => apiGet<{ items: Person[] }>(withQuery('/api/persons', { q, limit: 50 }), signal).then((r) => r.items),
    enabled: q.trim().length > 0,
  });
}

export function usePerson(id: string | null) {
  return useQuery({
    queryKey: ['persons', 'detail', id],
    queryFn: ({ signal }) => apiGet<PersonRecord>(`/api/persons/${encodeURIComponent(id ?? '')}`, signal),
    enabled: id !== null,
  });
}

export function useRevealPerson() {
  return useMutation({
    mutationFn: (input: { id: string; reason: string }) =>
      apiPost<PersonRecord>(`/api/persons/${encodeURIComponent(input.id)}/reveal`, { reason: input.reason }),
  });
}

export interface CompletenessItem {
  jurisdictionId: string;
  code: string;
  level: string;
  name: string;
  buildings: number;
  buildingsWithHouseholds: number;
  households: number;
  householdsWithMembers: number;
  persons: number;
  personsComplete: number;
  registered: number;
  floating: number;
  estimatedPopulation: number | null;
}

export const MISSING_KINDS = ['buildings_without_households', 'households_without_members', 'persons_incomplete'] as const;
export type MissingKind = (typeof MISSING_KINDS)[number];

export interface MissingItem {
  id: string;
  label: string;
  gridId: string | null;
  missing: string[];
}

export function useCompleteness(jurisdictionId: string | null, enabled: boolean) {
  return useQuery({
    queryKey: ['completeness', jurisdictionId],
    queryFn: ({ signal }) =>
      apiGet<{ items: CompletenessItem[] }>(withQuery('/api/completeness', { jurisdiction: jurisdictionId }), signal).then((r) => r.items),
    enabled: enabled && jurisdictionId !== null,
    staleTime: 60_000,
  });
}

/** The drill-down of a completeness gap, a page at a time (`fetchNextPage` for more). */
export function useMissing(jurisdictionId: string | null, kind: MissingKind) {
  return useInfiniteQuery({
    queryKey: ['completeness', 'missing', jurisdictionId, kind],
    queryFn: ({ signal, pageParam }) =>
      apiGet<Page<MissingItem>>(
        withQuery('/api/completeness/missing', { jurisdiction: jurisdictionId, kind, limit: 100, cursor: pageParam }),
        signal,
      ),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.next,
    enabled: jurisdictionId !== null,
  });
}

/** The one completeness indicator the map shows: share of persons with every required field filled (null: no persons). */
export function personsShare(item: CompletenessItem): number | null {
  return item.persons > 0 ? item.personsComplete / item.persons : null;
}

export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const m = Math.floor(s / 60);
  const h = Math.floor(m / 60);
  const pad = (n: number) => String(n).padStart(2, '0');
  return h > 0 ? `${h}:${pad(m % 60)}:${pad(s % 60)}` : `${m}:${pad(s % 60)}`;
}

export const ORGANISATION_KINDS = ['partner_unit', 'property_company', 'social_organization', 'owners_committee'] as const;
export type OrganisationKind = (typeof ORGANISATION_KINDS)[number];

export interface Organisation {
  id: string;
  kind: OrganisationKind | string;
  name: string;
  jurisdictionId: string;
  jurisdictionCode: string;
  jurisdictionName: Names;
  contactName: string | null;
  contactPhone: string | null;
  compounds: string[];
  address: string | null;
  updatedAt: string;
  masked: boolean;
}

export interface OrganisationInput {
  kind: OrganisationKind;
  name: string;
  jurisdictionId: string;
  contactName: string | null;
  contactPhone: string | null;
  compounds: string[];
  address: string | null;
}

export function useOrganisations(q: string, kind: OrganisationKind | null) {
  return useInfiniteQuery({
    queryKey: ['organisations', q, kind],
    queryFn: ({ signal, pageParam }) =>
      apiGet<Page<Organisation>>(withQuery('/api/organisations', { q: q || null, kind, limit: 50, cursor: pageParam }), signal),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.next,
  });
}

export function useSaveOrganisation() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (input: { id: string | null; body: Partial<OrganisationInput> }) =>
      input.id
        ? apiRequest<Organisation>(`/api/organisations/${encodeURIComponent(input.id)}`, { method: 'PATCH', body: input.body })
        : apiPost<Organisation>('/api/organisations', input.body),
    onSuccess: () => client.invalidateQueries({ queryKey: ['organisations'] }),
  });
}

export function useRevealOrganisation() {
  return useMutation({
    mutationFn: (input: { id: string; reason: string }) =>
      apiPost<Organisation>(`/api/organisations/${encodeURIComponent(input.id)}/reveal`, { reason: input.reason }),
  });
}
