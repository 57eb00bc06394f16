/**
 * The closed loop as data: the case states, the transition table of issue 3 item 5, and the pure rules that read it.
 * The service asks `decide` before it acts, writes the state and carries out the returned effects in one transaction;
 * `replay` folds a timeline back into the snapshot, so the timeline can be checked against the stored case.
 */
import type { Role } from '../db/caller.ts';

export const CASE_STATES = [
  'reported', 'accepted', 'confirmed', 'registered', 'dispatched', 'handling', 'handled', 'verified', 'closed',
  'rejected', 'merged', 'voided', 'transferred',
] as const;
export type CaseState = (typeof CASE_STATES)[number];

/** Nothing leaves these (▪ in the table). */
export const FINAL_STATES: readonly CaseState[] = ['rejected', 'merged', 'voided', 'transferred'];

/**
 * States in which the loop is still running. `closed` is neither open nor final: it may still be reopened, rated and
 * called back, but no clock runs and no one owes work on it.
 */
export const OPEN_STATES: readonly CaseState[] = [
  'reported', 'accepted', 'confirmed', 'registered', 'dispatched', 'handling', 'handled', 'verified',
];

export function isFinal(state: CaseState): boolean {
  return FINAL_STATES.includes(state);
}

export function isOpen(state: CaseState): boolean {
  return OPEN_STATES.includes(state);
}

export const CASE_ACTIONS = [
  'accept', 'reject', 'merge', 'confirm', 'refute', 'register', 'dispatch', 'reassign', 'return', 'start', 'handle',
  'verify_pass', 'verify_fail', 'close', 'reopen', 'rate', 'callback_done', 'request_extension', 'approve_extension',
  'deny_extension', 'request_park', 'approve_park', 'unpark', 'void', 'supervise', 'reroute', 'transfer', 'escalate',
] as const;
export type CaseAction = (typeof CASE_ACTIONS)[number];

export const CHANNELS = ['resident', 'grid_patrol', 'hotline', 'law_enforcement', 'sensor', 'api'] as const;
export type Channel = (typeof CHANNELS)[number];

/**
 * The intake row. A hotline clerk accepts while typing the call in; grid workers and law enforcement report what they
 * saw themselves, so the on-site check is already done.
 */
const INITIAL_STATE: Readonly<Record<Channel, CaseState>> = {
  resident: 'reported',
  sensor: 'reported',
  api: 'reported',
  hotline: 'accepted',
  grid_patrol: 'confirmed',
  law_enforcement: 'confirmed',
};

export function initialState(channel: Channel): CaseState {
  return INITIAL_STATE[channel];
}

export const STAGES = ['accept', 'confirm', 'register', 'dispatch', 'handle', 'verify'] as const;
export type Stage = (typeof STAGES)[number];

/**
 * The stage clock that runs in each state; every stage change stops the old clock and starts the new one from zero.
 * `dispatched` and `handling` share the handle clock, so it keeps running through start and reassign. `verified`
 * keeps the verify clock: categories set no limit for closing, so the verify limit covers the check and the close.
 */
export const STAGE_OF_STATE: Readonly<Record<CaseState, Stage | null>> = {
  reported: 'accept',
  accepted: 'confirm',
  confirmed: 'register',
  registered: 'dispatch',
  dispatched: 'handle',
  handling: 'handle',
  handled: 'verify',
  verified: 'verify',
  closed: null,
  rejected: null,
  merged: null,
  voided: null,
  transferred: null,
};

/** grid → community → street → district: escalation stops at the district. */
export const MAX_ESCALATION_LEVEL = 3;

const DAY_MS = 86_400_000;
/** A closed case may be reopened this long after closing. */
export const REOPEN_WINDOW_MS = 30 * DAY_MS;
/** A "not fixed" rating given this soon after closing reopens the case automatically. */
export const AUTO_REOPEN_RATING_WINDOW_MS = 7 * DAY_MS;

/** Who performed an action: the role a staff member acted in, the reporter by tracking code, or the system. */
export type Performer = Role | 'reporter' | 'system';

export type Actor =
  | {
      kind: 'staff';
      roles: readonly Role[];
      /** The case lies in the jurisdiction subtree of the caller's assignments. */
      inScope: boolean;
      /** A grid worker of the case's grid. */
      isCaseGrid: boolean;
      /** Department staff of the department the case is dispatched to. */
      isCaseDepartment: boolean;
      /** Has acted on the case before: only they may ask to park it. */
      onCase: boolean;
    }
  | { kind: 'reporter'; trackingCodeValid: boolean }
  | { kind: 'system' };

/** What the rules need to know about a case; the service builds it from the case row and its category. */
export interface CaseSnapshot {
  state: CaseState;
  channel: Channel;
  parked: boolean;
  parkRequested: boolean;
  extensionRequested: boolean;
  /** When the case was last closed; null unless it is closed now. */
  closedAt: Date | null;
  /** The reporter's rating since the case was last closed; null while unrated or not closed. */
  rating: { fixed: boolean; at: Date } | null;
  /** A hotline case whose caller has not been called back since it closed. */
  callbackPending: boolean;
  reworkCount: number;
  escalationLevel: number;
  supervised: boolean;
  gridId: string | null;
  districtId: string | null;
  departmentId: string | null;
  /** From the category: whether the reporter may verify the result by tracking code. */
  reporterMayVerify: boolean;
  /** From the category: whether `handle` needs an after-photo. */
  afterPhotoRequired: boolean;
}

/** What a case starts with besides its channel. */
export interface CaseFacts {
  gridId: string | null;
  districtId: string | null;
  departmentId: string | null;
  reporterMayVerify: boolean;
  afterPhotoRequired: boolean;
}

/** What the service does besides writing the new state. Effects that carry data take it from the action's input. */
export type Effect =
  | { kind: 'start_clock'; stage: Stage }
  | { kind: 'stop_clock'; stage: Stage }
  | { kind: 'start_case_clock' }
  | { kind: 'stop_case_clock' }
  /** Reopening continues the whole-case clock: the case was never really done. */
  | { kind: 'resume_case_clock' }
  /** Parking pauses the running stage clock and the whole-case clock; unparking resumes both. */
  | { kind: 'pause_clocks' }
  | { kind: 'resume_clocks' }
  | { kind: 'rework_plus_one' }
  | { kind: 'escalation_plus_one' }
  | { kind: 'flag_supervised' }
  | { kind: 'set_parked'; value: boolean }
  | { kind: 'set_park_requested'; value: boolean }
  | { kind: 'set_extension_requested'; value: boolean }
  /** From `categoryCode` and `priority`; the service recomputes the deadlines. */
  | { kind: 'set_category_and_priority' }
  /** The requested `newDeadline` replaces the current one. */
  | { kind: 'apply_new_deadline' }
  | { kind: 'set_department' }
  | { kind: 'clear_department' }
  | { kind: 'set_grid' }
  | { kind: 'record_rating' }
  | { kind: 'create_callback_task' }
  | { kind: 'complete_callback_task' }
  | { kind: 'cancel_callback_task' }
  /** Transfer: a linked case opens `accepted` in the other district. */
  | { kind: 'open_linked_case' }
  /** Merge: the case points to its primary and its reporters become supporters. */
  | { kind: 'point_to_primary' };

export type RequirementKey =
  | 'reason'
  | 'note'
  | 'note_or_photo'
  | 'category_and_priority'
  | 'department'
  | 'primary_case'
  | 'new_deadline'
  | 'review_date'
  | 'grid'
  | 'district'
  | 'rating'
  | 'after_photo'
  | 'duplicates_reviewed'
  | 'caller_answer';

/**
 * Conditions beyond the from-state. All refuse with 'state' except `reporter_may_verify`, which decides whether the
 * reporter is among those who may act at all, and so refuses with 'role'.
 */
export type Condition =
  | 'not_parked'
  | 'parked'
  | 'park_requested'
  | 'park_not_requested'
  | 'extension_requested'
  | 'extension_not_requested'
  | 'closed_within_30_days'
  | 'rated_not_fixed_within_7_days'
  | 'not_rated'
  | 'callback_pending'
  | 'below_max_escalation'
  | 'reporter_may_verify';

export interface Transition {
  action: CaseAction;
  from: readonly CaseState[] | 'open';
  to: CaseState | 'same';
  who: readonly Performer[];
  requires: readonly RequirementKey[];
  when?: readonly Condition[];
  /** Only staff who have acted on the case (request_park). */
  onCaseOnly?: boolean;
  effects?: readonly Effect[];
  /** ▪ in the table. */
  final?: boolean;
}

const EXTENSION_STATES: readonly CaseState[] = ['registered', 'dispatched', 'handling'];
const REROUTE_STATES: readonly CaseState[] = ['accepted', 'confirmed', 'registered'];
/** Everyone in the loop; admins configure the system and take no part in cases. */
const CASE_STAFF: readonly Role[] = [
  'leader', 'shift_lead', 'dispatcher', 'intake_clerk', 'grid_worker', 'department_staff',
];

/**
 * The table. A parked case cannot progress: every row carries `not_parked` except unpark (which needs it), void (a
 * parked problem may turn out to be gone) and supervise (leaders chase parked cases too). Escalate is refused while
 * parked because the clocks it reacts to are paused. A row per performer where the conditions differ (reopen, and the
 * reporter's verification, which the category may forbid).
 */
export const TRANSITIONS: readonly Transition[] = [
  {
    action: 'accept',
    from: ['reported'],
    to: 'accepted',
    who: ['intake_clerk'],
    requires: ['duplicates_reviewed'],
    when: ['not_parked'],
  },
  {
    action: 'reject',
    from: ['reported'],
    to: 'rejected',
    who: ['intake_clerk'],
    requires: ['reason'],
    when: ['not_parked'],
    final: true,
  },
  {
    action: 'merge',
    from: ['reported', 'accepted'],
    to: 'merged',
    // The system merges repeats from one device within the debounce window by itself (issue 3, item 6).
    who: ['intake_clerk', 'system'],
    requires: ['primary_case'],
    when: ['not_parked'],
    effects: [{ kind: 'point_to_primary' }],
    final: true,
  },
  {
    action: 'confirm',
    from: ['accepted'],
    to: 'confirmed',
    who: ['grid_worker'],
    requires: ['note_or_photo'],
    when: ['not_parked'],
  },
  {
    action: 'refute',
    from: ['accepted'],
    to: 'rejected',
    who: ['grid_worker'],
    requires: ['reason'],
    when: ['not_parked'],
    final: true,
  },
  {
    action: 'register',
    from: ['confirmed'],
    to: 'registered',
    who: ['shift_lead'],
    requires: ['category_and_priority'],
    when: ['not_parked'],
    effects: [{ kind: 'set_category_and_priority' }],
  },
  {
    action: 'dispatch',
    from: ['registered'],
    to: 'dispatched',
    who: ['dispatcher'],
    requires: ['department'],
    when: ['not_parked'],
    effects: [{ kind: 'set_department' }],
  },
  {
    action: 'reassign',
    from: ['dispatched', 'handling'],
    to: 'dispatched',
    who: ['dispatcher'],
    requires: ['department', 'reason'],
    when: ['not_parked'],
    effects: [{ kind: 'set_department' }],
  },
  {
    action: 'return',
    from: ['dispatched', 'handling'],
    to: 'registered',
    who: ['department_staff'],
    requires: ['reason'],
    when: ['not_parked'],
    effects: [{ kind: 'clear_department' }],
  },
  {
    action: 'start',
    from: ['dispatched'],
    to: 'handling',
    who: ['department_staff'],
    requires: [],
    when: ['not_parked'],
  },
  {
    action: 'handle',
    from: ['handling'],
    to: 'handled',
    who: ['department_staff'],
    requires: ['note', 'after_photo'],
    when: ['not_parked'],
  },
  {
    action: 'verify_pass',
    from: ['handled'],
    to: 'verified',
    who: ['grid_worker'],
    requires: ['note_or_photo'],
    when: ['not_parked'],
  },
  {
    action: 'verify_pass',
    from: ['handled'],
    to: 'verified',
    who: ['reporter'],
    requires: ['note_or_photo'],
    when: ['reporter_may_verify', 'not_parked'],
  },
  {
    action: 'verify_fail',
    from: ['handled'],
    to: 'handling',
    who: ['grid_worker'],
    requires: ['reason'],
    when: ['not_parked'],
    effects: [{ kind: 'rework_plus_one' }],
  },
  {
    action: 'verify_fail',
    from: ['handled'],
    to: 'handling',
    who: ['reporter'],
    requires: ['reason'],
    when: ['reporter_may_verify', 'not_parked'],
    effects: [{ kind: 'rework_plus_one' }],
  },
  { action: 'close', from: ['verified'], to: 'closed', who: ['shift_lead'], requires: [], when: ['not_parked'] },
  {
    action: 'reopen',
    from: ['closed'],
    to: 'handling',
    who: ['shift_lead'],
    requires: ['reason'],
    when: ['closed_within_30_days'],
    effects: [{ kind: 'rework_plus_one' }],
  },
  {
    action: 'reopen',
    from: ['closed'],
    to: 'handling',
    who: ['system'],
    requires: ['reason'],
    when: ['closed_within_30_days', 'rated_not_fixed_within_7_days'],
    effects: [{ kind: 'rework_plus_one' }],
  },
  {
    action: 'rate',
    from: ['closed'],
    to: 'same',
    who: ['reporter'],
    requires: ['rating'],
    when: ['not_rated'],
    effects: [{ kind: 'record_rating' }],
  },
  {
    action: 'callback_done',
    from: ['closed'],
    to: 'same',
    who: ['intake_clerk'],
    requires: ['caller_answer'],
    when: ['callback_pending'],
    effects: [{ kind: 'complete_callback_task' }],
  },
  {
    action: 'request_extension',
    from: EXTENSION_STATES,
    to: 'same',
    who: ['dispatcher', 'department_staff'],
    requires: ['new_deadline', 'reason'],
    when: ['not_parked', 'extension_not_requested'],
    effects: [{ kind: 'set_extension_requested', value: true }],
  },
  {
    action: 'approve_extension',
    from: EXTENSION_STATES,
    to: 'same',
    who: ['shift_lead'],
    requires: [],
    when: ['not_parked', 'extension_requested'],
    effects: [{ kind: 'set_extension_requested', value: false }, { kind: 'apply_new_deadline' }],
  },
  {
    action: 'deny_extension',
    from: EXTENSION_STATES,
    to: 'same',
    who: ['shift_lead'],
    requires: ['reason'],
    when: ['not_parked', 'extension_requested'],
    effects: [{ kind: 'set_extension_requested', value: false }],
  },
  {
    action: 'request_park',
    from: 'open',
    to: 'same',
    who: CASE_STAFF,
    requires: ['reason', 'review_date'],
    when: ['not_parked', 'park_not_requested'],
    onCaseOnly: true,
    effects: [{ kind: 'set_park_requested', value: true }],
  },
  {
    action: 'approve_park',
    from: 'open',
    to: 'same',
    who: ['shift_lead'],
    requires: [],
    when: ['not_parked', 'park_requested'],
    effects: [
      { kind: 'set_park_requested', value: false },
      { kind: 'set_parked', value: true },
      { kind: 'pause_clocks' },
    ],
  },
  {
    action: 'unpark',
    from: 'open',
    to: 'same',
    who: ['shift_lead'],
    requires: [],
    when: ['parked'],
    effects: [{ kind: 'set_parked', value: false }, { kind: 'resume_clocks' }],
  },
  { action: 'void', from: 'open', to: 'voided', who: ['shift_lead'], requires: ['reason'], final: true },
  {
    action: 'supervise',
    from: 'open',
    to: 'same',
    who: ['leader'],
    requires: ['note'],
    effects: [{ kind: 'flag_supervised' }],
  },
  {
    action: 'reroute',
    from: REROUTE_STATES,
    to: 'same',
    who: ['intake_clerk', 'shift_lead'],
    requires: ['grid', 'reason'],
    when: ['not_parked'],
    effects: [{ kind: 'set_grid' }],
  },
  {
    action: 'transfer',
    from: REROUTE_STATES,
    to: 'transferred',
    who: ['shift_lead'],
    requires: ['district', 'reason'],
    when: ['not_parked'],
    effects: [{ kind: 'open_linked_case' }],
    final: true,
  },
  {
    action: 'escalate',
    from: 'open',
    to: 'same',
    who: ['system'],
    requires: [],
    when: ['not_parked', 'below_max_escalation'],
    effects: [{ kind: 'escalation_plus_one' }],
  },
];

export type Refusal = 'state' | 'role' | 'scope';

export type Decision =
  | { ok: true; to: CaseState; effects: Effect[]; as: Performer }
  | { ok: false; reason: Refusal };

export function intake(channel: Channel, facts: CaseFacts): { snapshot: CaseSnapshot; effects: Effect[] } {
  const state = initialState(channel);
  const stage = STAGE_OF_STATE[state];
  const snapshot: CaseSnapshot = {
    state,
    channel,
    parked: false,
    parkRequested: false,
    extensionRequested: false,
    closedAt: null,
    rating: null,
    callbackPending: false,
    reworkCount: 0,
    escalationLevel: 0,
    supervised: false,
    ...facts,
  };
  const effects: Effect[] = [{ kind: 'start_case_clock' }];
  if (stage) effects.push({ kind: 'start_clock', stage });
  return { snapshot, effects };
}

function fromStates(row: Transition): readonly CaseState[] {
  return row.from === 'open' ? OPEN_STATES : row.from;
}

function holds(actor: Actor, p: Performer): boolean {
  if (p === 'system') return actor.kind === 'system';
  if (p === 'reporter') return actor.kind === 'reporter';
  return actor.kind === 'staff' && actor.roles.includes(p);
}

function inScopeAs(actor: Actor, p: Performer, row: Transition): boolean {
  switch (actor.kind) {
    case 'system':
      return true;
    case 'reporter':
      return actor.trackingCodeValid;
    case 'staff':
      if (!actor.inScope) return false;
      if (p === 'grid_worker' && !actor.isCaseGrid) return false;
      if (p === 'department_staff' && !actor.isCaseDepartment) return false;
      return !row.onCaseOnly || actor.onCase;
  }
}

function conditionHolds(c: Condition, s: CaseSnapshot, now: Date): boolean {
  switch (c) {
    case 'not_parked':
      return !s.parked;
    case 'parked':
      return s.parked;
    case 'park_requested':
      return s.parkRequested;
    case 'park_not_requested':
      return !s.parkRequested;
    case 'extension_requested':
      return s.extensionRequested;
    case 'extension_not_requested':
      return !s.extensionRequested;
    case 'closed_within_30_days':
      return s.closedAt !== null && now.getTime() - s.closedAt.getTime() <= REOPEN_WINDOW_MS;
    case 'rated_not_fixed_within_7_days':
      return (
        s.closedAt !== null &&
        s.rating !== null &&
        !s.rating.fixed &&
        s.rating.at.getTime() - s.closedAt.getTime() <= AUTO_REOPEN_RATING_WINDOW_MS
      );
    case 'not_rated':
      return s.rating === null;
    case 'callback_pending':
      return s.callbackPending;
    case 'below_max_escalation':
      return s.escalationLevel < MAX_ESCALATION_LEVEL;
    case 'reporter_may_verify':
      return s.reporterMayVerify;
  }
}

const ROLE_CONDITIONS: ReadonlySet<Condition> = new Set(['reporter_may_verify']);

/** When several rows or roles refuse, report the one that got furthest: a state refusal means the caller may act. */
const RANK: Readonly<Record<Refusal, number>> = { role: 0, scope: 1, state: 2 };

type Gate = (p: Performer, row: Transition) => Refusal | null;

function evaluate(s: CaseSnapshot, action: CaseAction, now: Date, gate: Gate): Decision {
  let refusal: Refusal = 'role';
  for (const row of TRANSITIONS) {
    if (row.action !== action) continue;
    const when = row.when ?? [];
    for (const p of row.who) {
      let r = gate(p, row);
      if (r === null && when.some((c) => ROLE_CONDITIONS.has(c) && !conditionHolds(c, s, now))) r = 'role';
      if (r === null && !fromStates(row).includes(s.state)) r = 'state';
      if (r === null && when.some((c) => !ROLE_CONDITIONS.has(c) && !conditionHolds(c, s, now))) r = 'state';
      if (r === null) {
        const to = row.to === 'same' ? s.state : row.to;
        return { ok: true, to, effects: effectsOf(s, row, to), as: p };
      }
      if (RANK[r] > RANK[refusal]) refusal = r;
    }
  }
  return { ok: false, reason: refusal };
}

function clockEffects(from: CaseState, to: CaseState): Effect[] {
  const a = STAGE_OF_STATE[from];
  const b = STAGE_OF_STATE[to];
  if (a === b) return [];
  const out: Effect[] = [];
  if (a) out.push({ kind: 'stop_clock', stage: a });
  if (b) out.push({ kind: 'start_clock', stage: b });
  if (a && !b) out.push({ kind: 'stop_case_clock' });
  if (!a && b) out.push({ kind: 'resume_case_clock' });
  return out;
}

function effectsOf(s: CaseSnapshot, row: Transition, to: CaseState): Effect[] {
  const out: Effect[] = [...(row.effects ?? [])];
  // The callback belongs to the closing: hotline callers are called back once per close, and a reopened case's
  // pending callback would ask about work that is being redone.
  if (row.action === 'close' && s.channel === 'hotline') out.push({ kind: 'create_callback_task' });
  if (row.action === 'reopen' && s.callbackPending) out.push({ kind: 'cancel_callback_task' });
  out.push(...clockEffects(s.state, to));
  // Pending requests and the park end with the open case, so a closed or final case carries no stale flags; an
  // extension request ends with the stages it could extend.
  const leavesOpen = !isOpen(to);
  if (leavesOpen && s.parked) out.push({ kind: 'set_parked', value: false });
  if (leavesOpen && s.parkRequested) out.push({ kind: 'set_park_requested', value: false });
  if (!EXTENSION_STATES.includes(to) && s.extensionRequested) {
    out.push({ kind: 'set_extension_requested', value: false });
  }
  return out;
}

/** Whether `actor` may take `action` on the case now, what state follows and what else the service must do. */
export function decide(snapshot: CaseSnapshot, action: CaseAction, actor: Actor, now: Date): Decision {
  return evaluate(snapshot, action, now, (p, row) => {
    if (!holds(actor, p)) return 'role';
    return inScopeAs(actor, p, row) ? null : 'scope';
  });
}

/**
 * The decision for an action already taken in a recorded role. Scope is not rechecked: it held when the action was
 * taken, and the timeline does not keep the flags it was judged by.
 */
export function decideAs(snapshot: CaseSnapshot, action: CaseAction, as: Performer, now: Date): Decision {
  return evaluate(snapshot, action, now, (p) => (p === as ? null : 'role'));
}

/** The actions `actor` may take now, for the UI. */
export function allowedActions(snapshot: CaseSnapshot, actor: Actor, now: Date): CaseAction[] {
  return CASE_ACTIONS.filter((a) => decide(snapshot, a, actor, now).ok);
}

export interface ActionInput {
  reason?: string;
  note?: string;
  photos?: number;
  categoryCode?: string;
  priority?: 'urgent' | 'high' | 'normal';
  departmentId?: string;
  primaryCaseId?: string;
  newDeadline?: Date;
  reviewDate?: Date;
  /** Supervise: an optional due date for the flagged work. */
  dueDate?: Date;
  gridId?: string;
  districtId?: string;
  rating?: number;
  fixed?: boolean;
  duplicatesReviewed?: boolean;
  callerAnswer?: 'satisfied' | 'basically_satisfied' | 'dissatisfied' | 'unreachable';
}

export type InputProblem = 'missing' | 'invalid' | 'unchanged' | 'missing_note_or_photo';

export interface InputError {
  field: keyof ActionInput;
  problem: InputProblem;
}

/** Apply the decided effects to the snapshot: what the case looks like once the service has done its part. */
export function nextSnapshot(
  snapshot: CaseSnapshot,
  decision: { to: CaseState; effects: readonly Effect[] },
  input: ActionInput,
  now: Date,
): CaseSnapshot {
  const from = snapshot.state;
  const to = decision.to;
  const s: CaseSnapshot = { ...snapshot, state: to };
  // Closing opens a new rating round; leaving closed ends it.
  if (to === 'closed' && from !== 'closed') {
    s.closedAt = now;
    s.rating = null;
  } else if (to !== 'closed') {
    s.closedAt = null;
    s.rating = null;
  }
  for (const e of decision.effects) {
    switch (e.kind) {
      case 'rework_plus_one':
        s.reworkCount += 1;
        break;
      case 'escalation_plus_one':
        s.escalationLevel += 1;
        break;
      case 'flag_supervised':
        s.supervised = true;
        break;
      case 'set_parked':
        s.parked = e.value;
        break;
      case 'set_park_requested':
        s.parkRequested = e.value;
        break;
      case 'set_extension_requested':
        s.extensionRequested = e.value;
        break;
      case 'set_department':
        s.departmentId = required(input.departmentId, 'departmentId');
        break;
      case 'clear_department':
        s.departmentId = null;
        break;
      case 'set_grid':
        s.gridId = required(input.gridId, 'gridId');
        break;
      case 'record_rating':
        s.rating = { fixed: required(input.fixed, 'fixed'), at: now };
        break;
      case 'create_callback_task':
        s.callbackPending = true;
        break;
      case 'complete_callback_task':
      case 'cancel_callback_task':
        s.callbackPending = false;
        break;
      default:
        // Clocks, deadlines, links and categories live outside the snapshot.
        break;
    }
  }
  return s;
}

function required<T>(value: T | undefined, field: keyof ActionInput): T {
  if (value === undefined) throw new Error(`workflow: ${field} is needed to apply this action; validate input first`);
  return value;
}

export interface CaseEvent {
  action: CaseAction;
  by: Performer;
  at: Date;
  input?: ActionInput;
}

const NO_FACTS: CaseFacts = {
  gridId: null,
  districtId: null,
  departmentId: null,
  reporterMayVerify: false,
  afterPhotoRequired: true,
};

/** Fold a timeline into the snapshot it leads to; a refused event means the timeline is corrupt, so it throws. */
export function replay(channel: Channel, events: readonly CaseEvent[], facts: CaseFacts = NO_FACTS): CaseSnapshot {
  let s = intake(channel, facts).snapshot;
  for (const [i, ev] of events.entries()) {
    const d = decideAs(s, ev.action, ev.by, ev.at);
    if (!d.ok) throw new Error(`workflow: event ${i} (${ev.action} by ${ev.by}) refused in ${s.state}: ${d.reason}`);
    s = nextSnapshot(s, d, ev.input ?? {}, ev.at);
  }
  return s;
}

/** What an action's input must carry, from its rows' `requires`. */
export function requirementsOf(action: CaseAction): RequirementKey[] {
  return [...new Set(TRANSITIONS.filter((r) => r.action === action).flatMap((r) => r.requires))];
}

const CATEGORY_CODE = /^[CE][0-9]{4}$/;
const PRIORITIES: readonly string[] = ['urgent', 'high', 'normal'];
const CALLER_ANSWERS: readonly string[] = ['satisfied', 'basically_satisfied', 'dissatisfied', 'unreachable'];

const filled = (v: string | undefined): boolean => v !== undefined && v.trim() !== '';
const validDate = (d: Date | undefined): boolean => d instanceof Date && !Number.isNaN(d.getTime());
const photoCount = (n: number | undefined): number => (n !== undefined && Number.isInteger(n) && n > 0 ? n : 0);

/**
 * The fields an action's input lacks or gets wrong, in the order of its requirements; empty when it may proceed.
 * Whether a referenced case, department, grid or district exists is the service's check, not this one.
 */
export function validateInput(action: CaseAction, input: ActionInput, snapshot: CaseSnapshot): InputError[] {
  const errors: InputError[] = [];
  const text = (field: 'reason' | 'note' | 'departmentId' | 'primaryCaseId' | 'gridId' | 'districtId'): boolean => {
    if (filled(input[field])) return true;
    errors.push({ field, problem: 'missing' });
    return false;
  };
  const date = (field: 'newDeadline' | 'reviewDate' | 'dueDate', needed: boolean): void => {
    const v = input[field];
    if (v === undefined) {
      if (needed) errors.push({ field, problem: 'missing' });
    } else if (!validDate(v)) errors.push({ field, problem: 'invalid' });
  };
  if (input.photos !== undefined && !(Number.isInteger(input.photos) && input.photos >= 0)) {
    errors.push({ field: 'photos', problem: 'invalid' });
  }
  for (const key of requirementsOf(action)) {
    switch (key) {
      case 'reason':
        text('reason');
        break;
      case 'note':
        text('note');
        break;
      case 'note_or_photo':
        if (!filled(input.note) && photoCount(input.photos) === 0) {
          errors.push({ field: 'note', problem: 'missing_note_or_photo' });
        }
        break;
      case 'after_photo':
        if (snapshot.afterPhotoRequired && photoCount(input.photos) === 0) {
          errors.push({ field: 'photos', problem: 'missing' });
        }
        break;
      case 'category_and_priority':
        if (input.categoryCode === undefined) errors.push({ field: 'categoryCode', problem: 'missing' });
        else if (!CATEGORY_CODE.test(input.categoryCode)) errors.push({ field: 'categoryCode', problem: 'invalid' });
        if (input.priority === undefined) errors.push({ field: 'priority', problem: 'missing' });
        else if (!PRIORITIES.includes(input.priority)) errors.push({ field: 'priority', problem: 'invalid' });
        break;
      case 'department':
        // A reassignment to the same department would reset nothing and only hide the reason.
        if (text('departmentId') && input.departmentId === snapshot.departmentId) {
          errors.push({ field: 'departmentId', problem: 'unchanged' });
        }
        break;
      case 'grid':
        if (text('gridId') && input.gridId === snapshot.gridId) errors.push({ field: 'gridId', problem: 'unchanged' });
        break;
      case 'district':
        if (text('districtId') && input.districtId === snapshot.districtId) {
          errors.push({ field: 'districtId', problem: 'unchanged' });
        }
        break;
      case 'primary_case':
        text('primaryCaseId');
        break;
      case 'new_deadline':
        date('newDeadline', true);
        break;
      case 'review_date':
        date('reviewDate', true);
        break;
      case 'rating':
        if (input.rating === undefined) errors.push({ field: 'rating', problem: 'missing' });
        else if (!Number.isInteger(input.rating) || input.rating < 1 || input.rating > 5) {
          errors.push({ field: 'rating', problem: 'invalid' });
        }
        if (input.fixed === undefined) errors.push({ field: 'fixed', problem: 'missing' });
        break;
      case 'duplicates_reviewed':
        if (input.duplicatesReviewed !== true) errors.push({ field: 'duplicatesReviewed', problem: 'missing' });
        break;
      case 'caller_answer':
        if (input.callerAnswer === undefined) errors.push({ field: 'callerAnswer', problem: 'missing' });
        else if (!CALLER_ANSWERS.includes(input.callerAnswer)) {
          errors.push({ field: 'callerAnswer', problem: 'invalid' });
        }
        break;
    }
  }
  // Optional dates still have to be dates: approve_extension may override the asked deadline, supervise may set one.
  if (action === 'approve_extension') date('newDeadline', false);
  if (action === 'supervise') date('dueDate', false);
  return errors;
}
