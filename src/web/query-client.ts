import { QueryCache, QueryClient } from '@tanstack/react-query';
import { ApiError } from './api.ts';

function shouldRetry(failureCount: number, error: unknown): boolean {
  // 4xx answers are final (unauthenticated, out of scope, bad input); only retry flaky transport once.
  if (error instanceof ApiError && error.status >= 400 && error.status < 500) return false;
  return failureCount < 1;
}

/** A session that ends while a page is open (expiry, sign-out elsewhere) sends the user to sign in again. */
function onQueryError(error: unknown, queryKey: readonly unknown[]): void {
  if (!(error instanceof ApiError) || error.status !== 401) return;
  // The session query itself is handled by RequireAuth, which redirects without a reload.
  if (queryKey[0] === 'session') return;
  const next = `${window.location.pathname}${window.location.search}`;
  window.location.assign(`/login?next=${encodeURIComponent(next)}`);
}

export function createQueryClient(): QueryClient {
  return new QueryClient({
    queryCache: new QueryCache({ onError: (error, query) => onQueryError(error, query.queryKey) }),
    defaultOptions: {
      queries: { retry: shouldRetry, refetchOnWindowFocus: false, staleTime: 60_000 },
      mutations: { retry: false },
    },
  });
}
