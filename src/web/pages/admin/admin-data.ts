import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { apiDelete, apiGet, apiPost, apiPut } from '../../api.ts';
import type { CalendarView, RoutingRule, SubCategory } from '../../case-types.ts';

export type CategoryBody = Pick<
  SubCategory,
  | 'names'
  | 'registerCondition'
  | 'closeCondition'
  | 'defaultDepartmentKind'
  | 'timeBase'
  | 'limits'
  | 'duplicateRadiusM'
  | 'duplicateWindowMinutes'
  | 'reporterMayVerify'
  | 'afterPhotoRequired'
  | 'caseType'
  | 'attributes'
>;

export function useCategoryDefinition(code: string | null) {
  return useQuery({
    queryKey: ['category', code],
    queryFn: ({ signal }) => apiGet<SubCategory>(`/api/categories/${encodeURIComponent(code ?? '')}`, signal),
    enabled: code !== null,
  });
}

export function useSaveCategory(code: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: CategoryBody) => apiPut<SubCategory>(`/api/categories/${encodeURIComponent(code)}`, body),
    onSuccess: (saved) => {
      queryClient.setQueryData(['category', code], saved);
      void queryClient.invalidateQueries({ queryKey: ['categories'] });
    },
  });
}

export function useRoutingRules() {
  return useQuery({
    queryKey: ['routing-rules'],
    queryFn: ({ signal }) => apiGet<{ items: RoutingRule[] }>('/api/routing-rules', signal).then((r) => r.items),
  });
}

export function useAddRoutingRule() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: { categoryCode: string | null; jurisdictionId: string; departmentId: string }) =>
      apiPost<{ id: string }>('/api/routing-rules', body),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['routing-rules'] }),
  });
}

export function useDeleteRoutingRule() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => apiDelete<unknown>(`/api/routing-rules/${encodeURIComponent(id)}`),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['routing-rules'] }),
  });
}

export function useSaveYear() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ year, holidays, workdays }: { year: number; holidays: string[]; workdays: string[] }) =>
      apiPut<CalendarView>(`/api/calendar/years/${year}`, { holidays, workdays }),
    onSuccess: (view) => queryClient.setQueryData(['calendar'], view),
  });
}

export function useSaveWorkingHours() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (workingHours: Array<[string, string]>) => apiPut<CalendarView>('/api/calendar/working-hours', { workingHours }),
    onSuccess: (view) => queryClient.setQueryData(['calendar'], view),
  });
}
