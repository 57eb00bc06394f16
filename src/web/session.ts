import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { apiGet, apiPost, setCsrfToken } from './api.ts';
import type { PublicConfig, Role, Session } from './types.ts';

export const SESSION_KEY = ['session'] as const;
export const CONFIG_KEY = ['config'] as const;

async function fetchSession(signal: AbortSignal): Promise<Session> {
  const session = await apiGet<Session>('/api/me', signal);
  setCsrfToken(session.csrfToken);
  return session;
}

export function useSession() {
  return useQuery({ queryKey: SESSION_KEY, queryFn: ({ signal }) => fetchSession(signal), staleTime: 5 * 60_000 });
}

export function useConfig() {
  return useQuery({
    queryKey: CONFIG_KEY,
    queryFn: ({ signal }) => apiGet<PublicConfig>('/api/config', signal),
    staleTime: Number.POSITIVE_INFINITY,
  });
}

export interface Credentials {
  username: string;
  password: string;
}

export function useLogin() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (credentials: Credentials) => apiPost<Session>('/api/auth/login', credentials),
    onSuccess: (session) => {
      setCsrfToken(session.csrfToken);
      // Another user's cached data must not survive a change of account.
      queryClient.removeQueries({ predicate: (q) => q.queryKey[0] !== CONFIG_KEY[0] });
      queryClient.setQueryData(SESSION_KEY, session);
    },
  });
}

/** Ends the session, then reloads the login page so that no data of this user stays in memory. */
export async function logout(): Promise<void> {
  try {
    await apiPost<unknown>('/api/auth/logout');
  } catch {
    // Even if the server did not answer, leave: the cookie expires on its own.
  }
  setCsrfToken(null);
  window.location.assign('/login');
}

export function rolesOf(session: Session | undefined): Set<Role> {
  return new Set((session?.user.roles ?? []).map((r) => r.role));
}
