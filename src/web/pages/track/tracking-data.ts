import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { apiRequest } from '../../api.ts';
import type { TrackingView } from '../../case-types.ts';

export type ReporterAction = 'verify_pass' | 'verify_fail' | 'rate';

/** Tracking codes are read out on the phone and typed by hand: upper case, dashes every four. */
export function normaliseCode(input: string): string {
  const raw = input.toUpperCase().replace(/[^A-Z0-9]/g, '');
  if (raw.length !== 16) return input.trim().toUpperCase();
  return raw.match(/.{4}/g)?.join('-') ?? raw;
}

export function useTracking(code: string) {
  return useQuery({
    queryKey: ['tracking', code],
    queryFn: ({ signal }) => apiRequest<TrackingView>(`/api/reports/${encodeURIComponent(code)}`, { signal, anonymous: true }),
    staleTime: 30_000,
  });
}

export interface ReporterActionInput {
  action: ReporterAction;
  note?: string;
  reason?: string;
  rating?: number;
  fixed?: boolean;
  photos?: File[];
}

export function reporterActionBody(input: ReporterActionInput): Record<string, unknown> | FormData {
  const fields: Record<string, string | number | boolean> = {};
  if (input.note?.trim()) fields.note = input.note.trim();
  if (input.reason?.trim()) fields.reason = input.reason.trim();
  if (input.rating !== undefined) fields.rating = input.rating;
  if (input.fixed !== undefined) fields.fixed = input.fixed;
  if (!input.photos?.length) return fields;
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.append(k, String(v));
  for (const p of input.photos) form.append('photos', p, p.name);
  return form;
}

export function useReporterAction(code: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: ReporterActionInput) =>
      apiRequest<{ state: string; rating: number | null }>(
        `/api/reports/${encodeURIComponent(code)}/actions/${input.action}`,
        { method: 'POST', body: reporterActionBody(input), anonymous: true },
      ),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['tracking', code] }),
  });
}
