import { createHmac } from 'node:crypto';
import { sql } from 'kysely';
import { type ChainRow, chainHash, GENESIS } from '../../../domain/audit-chain.ts';
import type { Database, Tx } from '../../../db/database.ts';
import { startPeriodic } from '../../periodic.ts';

export interface AuditEntry {
  action: string;
  objectType?: string;
  objectId?: string;
  jurisdictionId?: string | null;
  jurisdictionPath?: string | null;
  reason?: string | null;
  ip?: string | null;
  /** Ids and counts only: never personal data in clear. */
  details?: Record<string, unknown>;
}

/**
 * Appends one audit row inside the caller's transaction. The actor comes from the transaction's own setting, so a
 * handler cannot write as somebody else.
 */
export async function recordAudit(trx: Tx, entry: AuditEntry): Promise<void> {
  await sql`insert into audit_log (actor, action, object_type, object_id, jurisdiction_id, jurisdiction_path, reason, ip, details)
    values (current_setting('app.actor'), ${entry.action}, ${entry.objectType ?? null}, ${entry.objectId ?? null},
      ${entry.jurisdictionId ?? null}, ${entry.jurisdictionPath ?? null}::ltree, ${entry.reason ?? null}, ${entry.ip ?? null},
      ${entry.details ? JSON.stringify(entry.details) : null}::jsonb)`.execute(trx);
}

/** The chain key: derived from the data key so that a session-secret rotation leaves the chain intact. */
export function auditKey(dataKey: Buffer): Buffer {
  return createHmac('sha256', dataKey).update('gridloop-audit-chain-v1').digest();
}

const ROW_COLUMNS = sql`chain_seq::text as "chainSeq", id::text as id,
  (extract(epoch from at) * 1000000)::bigint::text as "atMicros", actor, action, object_type as "objectType",
  object_id as "objectId", jurisdiction_id::text as "jurisdictionId", jurisdiction_path::text as "jurisdictionPath",
  reason, ip, details::text as details`;

/**
 * Seals unsealed rows in insertion order, each linked to the last sealed one. Only one sealer works at a time (a
 * transaction-scoped advisory lock), so writers never wait on the chain. Returns the number of rows sealed.
 */
export async function sealAudit(db: Database, key: Buffer, batch = 2000): Promise<number> {
  return db.runAsOwner('audit-sealer', async (trx) => {
    const { rows: got } = await sql<{ ok: boolean }>`select pg_try_advisory_xact_lock(7201604312) as ok`.execute(trx);
    if (!got[0]?.ok) return 0;
    const { rows: last } = await sql<{ seq: string; hash: string }>`
      select chain_seq::text as seq, hash from audit_log where chain_seq is not null order by chain_seq desc limit 1`.execute(
      trx,
    );
    let seq = BigInt(last[0]?.seq ?? '0');
    let prev = last[0]?.hash ?? GENESIS;
    const { rows } = await sql<ChainRow>`select ${ROW_COLUMNS} from audit_log where chain_seq is null
      order by id limit ${batch}`.execute(trx);
    if (rows.length === 0) return 0;
    const ids: string[] = [];
    const seqs: string[] = [];
    const prevs: string[] = [];
    const hashes: string[] = [];
    for (const row of rows) {
      seq += 1n;
      const sealed = { ...row, chainSeq: seq.toString() };
      const hash = chainHash(key, prev, sealed);
      ids.push(row.id);
      seqs.push(sealed.chainSeq);
      prevs.push(prev);
      hashes.push(hash);
      prev = hash;
    }
    await sql`update audit_log a set chain_seq = u.seq, prev_hash = u.prev, hash = u.hash
      from unnest(${ids}::bigint[], ${seqs}::bigint[], ${prevs}::text[], ${hashes}::text[]) as u(id, seq, prev, hash)
      where a.id = u.id`.execute(trx);
    return rows.length;
  });
}

export async function sealAll(db: Database, key: Buffer): Promise<number> {
  let total = 0;
  for (;;) {
    const n = await sealAudit(db, key);
    total += n;
    if (n === 0) return total;
  }
}

export interface VerifyResult {
  ok: boolean;
  checked: number;
  unsealed: number;
  lastSeq: string | null;
  lastHash: string | null;
  problem: string | null;
}

/** Walks the chain in order; reports the first broken link. With an anchor `SEQ:HASH`, also detects a cut tail. */
export async function verifyAudit(
  db: Database,
  key: Buffer,
  anchor?: string,
  onProgress?: (done: number, total: number) => void,
): Promise<VerifyResult> {
  return db.runAsOwner('audit-verify', async (trx) => {
    const { rows: counts } = await sql<{ sealed: string; unsealed: string }>`
      select count(chain_seq)::text as sealed, (count(*) - count(chain_seq))::text as unsealed from audit_log`.execute(trx);
    const total = Number(counts[0]?.sealed ?? 0);
    const unsealed = Number(counts[0]?.unsealed ?? 0);
    let prev = GENESIS;
    let expectSeq = 1n;
    let checked = 0;
    let lastSeq: string | null = null;
    const fail = (problem: string): VerifyResult => ({ ok: false, checked, unsealed, lastSeq, lastHash: prev, problem });
    for (;;) {
      const { rows } = await sql<ChainRow & { prevHash: string; hash: string }>`
        select ${ROW_COLUMNS}, prev_hash as "prevHash", hash from audit_log
        where chain_seq >= ${expectSeq.toString()}::bigint order by chain_seq limit 5000`.execute(trx);
      if (rows.length === 0) break;
      for (const row of rows) {
        if (row.chainSeq !== expectSeq.toString()) {
          return fail(`audit row ${row.id}: chain position ${expectSeq} is missing (next is ${row.chainSeq})`);
        }
        if (row.prevHash !== prev) {
          return fail(`audit row ${row.id} (chain position ${row.chainSeq}): its link to the previous row is broken`);
        }
        const expected = chainHash(key, prev, row);
        if (expected !== row.hash) {
          return fail(`audit row ${row.id} (chain position ${row.chainSeq}): its content does not match its hash`);
        }
        prev = row.hash;
        lastSeq = row.chainSeq;
        expectSeq += 1n;
        checked++;
      }
      onProgress?.(checked, total);
    }
    if (anchor) {
      const m = /^(\d+):([0-9a-f]{64})$/.exec(anchor.trim());
      if (!m) return fail('the anchor must look like SEQ:HASH, as printed by `gridloop audit anchor`');
      const [, aSeq, aHash] = m;
      const { rows } = await sql<{ hash: string }>`select hash from audit_log where chain_seq = ${aSeq}::bigint`.execute(
        trx,
      );
      if (!rows[0]) return fail(`the anchored row (chain position ${aSeq}) is gone: rows were deleted from the tail`);
      if (rows[0].hash !== aHash) return fail(`the anchored row (chain position ${aSeq}) has a different hash`);
    }
    return { ok: true, checked, unsealed, lastSeq, lastHash: lastSeq ? prev : null, problem: null };
  });
}

/** Verifies, then records the run (and its verdict) as the `audit-verify` job. */
export async function verifyAndRecord(db: Database, key: Buffer, anchor?: string, onProgress?: (d: number, t: number) => void) {
  const result = await verifyAudit(db, key, anchor, onProgress);
  await db.run({ kind: 'system', job: 'audit-verify' }, (trx) =>
    recordAudit(trx, { action: 'job.run', details: { job: 'audit-verify', ok: result.ok, checked: result.checked, anchored: Boolean(anchor) } }),
  );
  return result;
}

export async function auditAnchor(db: Database): Promise<string | null> {
  return db.runAsOwner('audit-anchor', async (trx) => {
    const { rows } = await sql<{ seq: string; hash: string }>`
      select chain_seq::text as seq, hash from audit_log where chain_seq is not null order by chain_seq desc limit 1`.execute(
      trx,
    );
    return rows[0] ? `${rows[0].seq}:${rows[0].hash}` : null;
  });
}

/** Runs the sealer every `intervalMs` until stopped. */
export function startSealer(db: Database, key: Buffer, intervalMs = 1000, onError?: (err: unknown) => void): () => void {
  return startPeriodic(() => sealAll(db, key), intervalMs, onError);
}
