import type { TFunction } from 'i18next';
import { ApiError } from '../api.ts';

const KNOWN_CODES = new Set(['INVALID_CREDENTIALS', 'ACCOUNT_LOCKED', 'RATE_LIMITED', 'UNAUTHENTICATED', 'NETWORK']);

/** The text to show for a failed request: the server's own message first (already in the caller's language). */
export function errorText(t: TFunction, error: unknown): string {
  if (error instanceof ApiError) {
    if (error.message) return error.message;
    if (KNOWN_CODES.has(error.code)) return t(`errors.${error.code}`);
  }
  return t('errors.generic');
}
