import { sql } from 'kysely';
import type { Tx } from '../../../db/database.ts';
import { type ClockState, deadlineOf, type WorkingCalendar } from '../../../domain/calendar.ts';
import { type Category, type Priority, stageLimit } from '../../../domain/categories.ts';
import { newId } from '../../../domain/ids.ts';
import type { Effect, Stage } from '../../../domain/workflow.ts';
import * as store from './store.ts';

/** The whole-case clock: the sum of the stage limits for the case's priority. */
export const CASE_CLOCK = 'case';
const STAGES: Stage[] = ['accept', 'confirm', 'register', 'dispatch', 'handle', 'verify'];

export function caseLimit(category: Category, priority: Priority): number {
  return STAGES.reduce((sum, s) => sum + stageLimit(category, s, priority), 0);
}

function stateOf(c: store.ClockRow): ClockState {
  return {
    limitMinutes: c.limitMinutes,
    base: c.base,
    startedAt: c.startedAt,
    stoppedAt: c.stoppedAt,
    pauses: c.pauses.map((p) => ({ from: new Date(p.from), to: p.to ? new Date(p.to) : null })),
  };
}

/** The instants at which a clock turns yellow (80 % of its limit) and red (its limit), given its pauses. */
export function marks(cal: WorkingCalendar, c: ClockState, now: Date): { yellowAt: Date | null; deadlineAt: Date | null } {
  const deadlineAt = deadlineOf(cal, c, now);
  const yellowAt = deadlineOf(cal, { ...c, limitMinutes: Math.max(1, Math.floor(c.limitMinutes * 0.8)) }, now);
  return { yellowAt, deadlineAt };
}

export interface ClockContext {
  trx: Tx;
  cal: WorkingCalendar;
  caseId: string;
  districtId: string;
  category: Category;
  priority: Priority;
  now: Date;
}

async function start(ctx: ClockContext, stage: string, limitMinutes: number): Promise<void> {
  const state: ClockState = { limitMinutes, base: ctx.category.timeBase, startedAt: ctx.now, stoppedAt: null, pauses: [] };
  const m = marks(ctx.cal, state, ctx.now);
  await store.insertClock(ctx.trx, {
    id: newId(),
    caseId: ctx.caseId,
    districtId: ctx.districtId,
    stage,
    base: ctx.category.timeBase,
    limitMinutes,
    startedAt: ctx.now,
    deadlineAt: m.deadlineAt,
    yellowAt: m.yellowAt,
  });
}

async function save(ctx: ClockContext, row: store.ClockRow, next: ClockState): Promise<void> {
  const m = next.stoppedAt ? { deadlineAt: row.deadlineAt, yellowAt: row.yellowAt } : marks(ctx.cal, next, ctx.now);
  await store.updateClock(ctx.trx, row.id, {
    stoppedAt: next.stoppedAt,
    pauses: next.pauses.map((p) => ({ from: p.from.toISOString(), to: p.to ? p.to.toISOString() : null })),
    deadlineAt: m.deadlineAt,
    yellowAt: m.yellowAt,
    limitMinutes: next.limitMinutes,
  });
}

/** Applies the clock effects of one action, then mirrors the running stage clock onto the case row. */
export async function applyClockEffects(ctx: ClockContext, effects: readonly Effect[], newDeadline?: Date): Promise<void> {
  for (const e of effects) {
    // Starting a clock needs no other: a new case (most of the traffic) reads none. Any other effect reads them afresh,
    // after what the effects before it wrote.
    const starts = e.kind === 'start_clock' || e.kind === 'start_case_clock';
    const clocks = starts ? [] : await store.clocksOf(ctx.trx, ctx.caseId);
    const running = clocks.filter((c) => c.stoppedAt === null);
    switch (e.kind) {
      case 'start_clock':
        await start(ctx, e.stage, stageLimit(ctx.category, e.stage, ctx.priority));
        break;
      case 'start_case_clock':
        await start(ctx, CASE_CLOCK, caseLimit(ctx.category, ctx.priority));
        break;
      case 'stop_clock':
      case 'stop_case_clock': {
        const stage = e.kind === 'stop_clock' ? e.stage : CASE_CLOCK;
        for (const c of running.filter((r) => r.stage === stage)) {
          const s = stateOf(c);
          const pauses = s.pauses.map((p) => (p.to ? p : { ...p, to: ctx.now }));
          await save(ctx, c, { ...s, pauses, stoppedAt: ctx.now });
        }
        break;
      }
      case 'resume_case_clock': {
        // Reopening continues the whole-case clock: the time it was closed counts as a pause.
        const last = clocks.filter((c) => c.stage === CASE_CLOCK).at(-1);
        if (last?.stoppedAt) {
          const s = stateOf(last);
          await save(ctx, last, { ...s, pauses: [...s.pauses, { from: last.stoppedAt, to: ctx.now }], stoppedAt: null });
        }
        break;
      }
      case 'pause_clocks':
        for (const c of running) {
          const s = stateOf(c);
          if (!s.pauses.some((p) => p.to === null)) await save(ctx, c, { ...s, pauses: [...s.pauses, { from: ctx.now, to: null }] });
        }
        break;
      case 'resume_clocks':
        for (const c of running) {
          const s = stateOf(c);
          await save(ctx, c, { ...s, pauses: s.pauses.map((p) => (p.to ? p : { ...p, to: ctx.now })) });
        }
        break;
      case 'apply_new_deadline':
        if (newDeadline) {
          // The extension moves the handling clock's limit so that its traffic light follows the new deadline.
          for (const c of running.filter((r) => r.stage === 'handle' || r.stage === 'dispatch' || r.stage === 'register')) {
            const s = stateOf(c);
            const extra = Math.max(0, ctx.cal.minutesBetween(s.base, c.deadlineAt ?? ctx.now, newDeadline));
            await save(ctx, c, { ...s, limitMinutes: Math.round(s.limitMinutes + extra) });
          }
        }
        break;
      default:
        break;
    }
  }
  await mirrorStage(ctx.trx, ctx.caseId);
}

export async function mirrorStage(trx: Tx, caseId: string): Promise<void> {
  await sql`update cases c set stage = s.stage, stage_yellow_at = s.yellow_at, stage_deadline_at = s.deadline_at
    from (select (select stage from case_clock k where k.case_id = ${caseId} and k.stopped_at is null and k.stage <> 'case'
                  order by started_at desc limit 1) as stage,
                 (select yellow_at from case_clock k where k.case_id = ${caseId} and k.stopped_at is null and k.stage <> 'case'
                  order by started_at desc limit 1) as yellow_at,
                 (select deadline_at from case_clock k where k.case_id = ${caseId} and k.stopped_at is null and k.stage <> 'case'
                  order by started_at desc limit 1) as deadline_at) s
    where c.id = ${caseId}`.execute(trx);
}
