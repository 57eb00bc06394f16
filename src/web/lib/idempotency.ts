import { v4 as uuidv4 } from 'uuid';

/**
 * One Idempotency-Key per submitted content: a retry of the same report (after a timeout, a lost answer) reuses the
 * key and the server answers with the first case instead of creating a second; a changed report gets a new key,
 * since the server refuses a key reused with a different body.
 */
export class IdempotencyKeys {
  private current: { key: string; fingerprint: string } | null = null;

  keyFor(fingerprint: string): string {
    if (this.current?.fingerprint !== fingerprint) this.current = { key: uuidv4(), fingerprint };
    return this.current.key;
  }

  /** After a success, the next report is a new one even if it looks the same. */
  reset(): void {
    this.current = null;
  }
}

/** A fingerprint of the form values and the chosen files (by name, size and time, not content). */
export function fingerprintOf(values: Record<string, unknown>, files: readonly File[]): string {
  return JSON.stringify([values, files.map((f) => [f.name, f.size, f.lastModified])]);
}
