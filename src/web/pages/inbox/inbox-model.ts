import type { CaseSummary, InboxQueue } from '../../case-types.ts';

const LIGHT_RANK: Record<string, number> = { red: 0, yellow: 1, green: 2 };

/** Most urgent first: red, yellow, green, then parked or unclocked; within a light, the nearest deadline. */
export function byUrgency(a: CaseSummary, b: CaseSummary): number {
  const la = a.parked ? 3 : (LIGHT_RANK[a.light ?? ''] ?? 3);
  const lb = b.parked ? 3 : (LIGHT_RANK[b.light ?? ''] ?? 3);
  if (la !== lb) return la - lb;
  const da = a.stageDeadlineAt ? Date.parse(a.stageDeadlineAt) : Number.POSITIVE_INFINITY;
  const db = b.stageDeadlineAt ? Date.parse(b.stageDeadlineAt) : Number.POSITIVE_INFINITY;
  if (da !== db) return da - db;
  return Date.parse(a.reportedAt) - Date.parse(b.reportedAt);
}

export function sortedQueue(q: InboxQueue): InboxQueue {
  return { ...q, items: [...q.items].sort(byUrgency) };
}

export function overdueCount(q: InboxQueue): number {
  return q.items.filter((c) => c.light === 'red' && !c.parked).length;
}

/** The case list's filter that shows the same cases as a queue, where one state says it all. */
export const QUEUE_STATE: Record<string, string> = {
  to_accept: 'reported',
  to_confirm: 'accepted',
  to_verify: 'handled',
  to_register: 'confirmed',
  to_close: 'verified',
  to_dispatch: 'registered',
  to_start: 'dispatched',
  to_handle: 'handling',
};
