import { randomBytes } from 'node:crypto';
import { v7 } from 'uuid';

/** Ids are UUIDv7 made by the application: PostgreSQL 15 has no uuidv7(). */
export function newId(): string {
  return v7();
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(s: string): boolean {
  return UUID_RE.test(s);
}

/** A random secret in base64url: 32 bytes give 43 characters. */
export function randomSecret(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}
