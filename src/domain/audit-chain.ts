import { createHmac } from 'node:crypto';

/** The fields of an audit row that the chain covers, as text the database gives back the same on every server. */
export interface ChainRow {
  chainSeq: string;
  id: string;
  /** Microseconds since the Unix epoch, as a decimal string: no time zone or locale can change it. */
  atMicros: string;
  actor: string;
  action: string;
  objectType: string | null;
  objectId: string | null;
  jurisdictionId: string | null;
  jurisdictionPath: string | null;
  reason: string | null;
  ip: string | null;
  /** jsonb's own text form, which orders keys deterministically. */
  details: string | null;
}

export const GENESIS = '0'.repeat(64);

/** A fixed canonical serialisation: a JSON array in a fixed field order, nulls explicit. */
export function canonical(row: ChainRow): string {
  return JSON.stringify([
    row.chainSeq,
    row.id,
    row.atMicros,
    row.actor,
    row.action,
    row.objectType,
    row.objectId,
    row.jurisdictionId,
    row.jurisdictionPath,
    row.reason,
    row.ip,
    row.details,
  ]);
}

export function chainHash(key: Buffer, prevHash: string, row: ChainRow): string {
  return createHmac('sha256', key).update(prevHash).update('\n').update(canonical(row)).digest('hex');
}
