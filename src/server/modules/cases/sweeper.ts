import { sql } from 'kysely';
import { systemCaller } from '../../../db/caller.ts';
import type { Database } from '../../../db/database.ts';
import { elapsedMinutes } from '../../../domain/calendar.ts';
import { decide } from '../../../domain/workflow.ts';
import { startPeriodic } from '../../periodic.ts';
import { recordAudit } from '../audit/service.ts';
import type { CaseService } from './service.ts';
import * as store from './store.ts';

export interface SweepResult {
  ran: boolean;
  overdue: number;
  escalated: number;
}

/**
 * The SLA sweeper (system:sweeper): marks clocks that ran past their limit and escalates their case one level, and
 * again at each further limit length, up to the district. One process at a time (advisory lock), so several server
 * processes may run it. Time comes from the service's injectable clock: tests move it instead of sleeping.
 */
export async function sweep(db: Database, cases: CaseService): Promise<SweepResult> {
  const now = cases.now();
  const result = await db.run(systemCaller('sweeper'), async (trx) => {
    const { rows: lock } = await sql<{ ok: boolean }>`select pg_try_advisory_xact_lock(7201604313) as ok`.execute(trx);
    if (!lock[0]?.ok) return { ran: false, overdue: 0, escalated: 0 };
    const { rows } = await sql<{ clockId: string; caseId: string }>`select k.id as "clockId", k.case_id as "caseId"
      from case_clock k join cases c on c.id = k.case_id
      where k.stopped_at is null and k.stage <> 'case' and k.deadline_at <= ${now} and not c.parked
      order by k.deadline_at limit 500`.execute(trx);
    let overdue = 0;
    let escalated = 0;
    const cal = cases.reference().calendar;
    for (const r of rows) {
      const clock = (await store.clocksOf(trx, r.caseId)).find((c) => c.id === r.clockId);
      if (!clock) continue;
      const limits = Math.floor(
        elapsedMinutes(cal, {
          limitMinutes: clock.limitMinutes,
          base: clock.base,
          startedAt: clock.startedAt,
          stoppedAt: null,
          pauses: clock.pauses.map((p) => ({ from: new Date(p.from), to: p.to ? new Date(p.to) : null })),
        }, now) / clock.limitMinutes,
      );
      if (limits < 1 || limits <= clock.escalations) continue;
      if (!clock.overdueAt) {
        overdue++;
        await sql`update case_clock set overdue_at = ${now} where id = ${clock.id}`.execute(trx);
      }
      await sql`update case_clock set escalations = ${limits} where id = ${clock.id}`.execute(trx);
      let row = await store.getCase(trx, r.caseId, true);
      for (let i = clock.escalations; i < limits && row; i++) {
        if (!decide(cases.snapshotOf(row), 'escalate', { kind: 'system' }, now).ok) break;
        row = await cases.applyAction(trx, row, 'escalate', { reason: `${clock.stage} clock past its limit` }, { kind: 'system' }, 'system', [], now);
        escalated++;
      }
    }
    await recordAudit(trx, { action: 'job.run', details: { job: 'sweeper', clocks: rows.length, overdue, escalated } });
    return { ran: true, overdue, escalated };
  });
  return result;
}

export function startSweeper(db: Database, cases: CaseService, intervalMs = 30_000, onError?: (err: unknown) => void): () => void {
  return startPeriodic(() => sweep(db, cases), intervalMs, onError);
}
