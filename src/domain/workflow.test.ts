import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ROLES, type Role } from '../db/caller.ts';
import {
  type ActionInput,
  type Actor,
  allowedActions,
  CASE_ACTIONS,
  CASE_STATES,
  type CaseAction,
  type CaseEvent,
  type CaseFacts,
  type CaseSnapshot,
  type CaseState,
  CHANNELS,
  type Channel,
  decide,
  type Effect,
  FINAL_STATES,
  initialState,
  intake,
  nextSnapshot,
  OPEN_STATES,
  type Refusal,
  replay,
  type Stage,
  TRANSITIONS,
  validateInput,
} from './workflow.ts';

const DAY = 86_400_000;
const NOW = new Date('2025-03-12T02:00:00Z');
const daysBefore = (n: number): Date => new Date(NOW.getTime() - n * DAY);

/**
 * A second, literal transcription of the table in issue 3 item 5, kept apart from TRANSITIONS so that a slip in either
 * shows up. `reporter?` = the reporter by tracking code where the category allows; `staff on the case` = any case role
 * (admins take no part in cases) who has acted on it; `open` = any open state; `same` = the state does not change.
 */
const ISSUE_TABLE = `
accept            | reported                         | accepted      | intake_clerk
reject            | reported                         | rejected ▪    | intake_clerk
merge             | reported, accepted               | merged ▪      | intake_clerk, system
confirm           | accepted                         | confirmed     | grid_worker
refute            | accepted                         | rejected ▪    | grid_worker
register          | confirmed                        | registered    | shift_lead
dispatch          | registered                       | dispatched    | dispatcher
reassign          | dispatched, handling             | dispatched    | dispatcher
return            | dispatched, handling             | registered    | department_staff
start             | dispatched                       | handling      | department_staff
handle            | handling                         | handled       | department_staff
verify_pass       | handled                          | verified      | grid_worker, reporter?
verify_fail       | handled                          | handling      | grid_worker, reporter?
close             | verified                         | closed        | shift_lead
reopen            | closed                           | handling      | shift_lead, system
rate              | closed                           | same          | reporter
callback_done     | closed                           | same          | intake_clerk
request_extension | registered, dispatched, handling | same          | dispatcher, department_staff
approve_extension | registered, dispatched, handling | same          | shift_lead
deny_extension    | registered, dispatched, handling | same          | shift_lead
request_park      | open                             | same          | staff on the case
approve_park      | open                             | same          | shift_lead
unpark            | open                             | same          | shift_lead
void              | open                             | voided ▪      | shift_lead
supervise         | open                             | same          | leader
reroute           | accepted, confirmed, registered  | same          | intake_clerk, shift_lead
transfer          | accepted, confirmed, registered  | transferred ▪ | shift_lead
escalate          | open                             | same          | system
`;

const OPEN_LIST = 'reported accepted confirmed registered dispatched handling handled verified'.split(' ');
const CASE_ROLES = 'leader shift_lead dispatcher intake_clerk grid_worker department_staff'.split(' ');

interface SpecRow {
  from: string[];
  to: string;
  final: boolean;
  who: { performer: string; whereAllowed: boolean }[];
  onCaseOnly: boolean;
}

const SPEC = new Map<string, SpecRow>(
  ISSUE_TABLE.trim()
    .split('\n')
    .map((line) => {
      const [action = '', from = '', to = '', who = ''] = line.split('|').map((c) => c.trim());
      const onCaseOnly = who === 'staff on the case';
      const performers = onCaseOnly ? CASE_ROLES : who.split(',').map((w) => w.trim());
      return [
        action,
        {
          from: from === 'open' ? OPEN_LIST : from.split(',').map((f) => f.trim()),
          to: to.replace('▪', '').trim(),
          final: to.includes('▪'),
          who: performers.map((p) => ({ performer: p.replace('?', ''), whereAllowed: p.endsWith('?') })),
          onCaseOnly,
        },
      ];
    }),
);

/** The conditions the table states outside its from column, spelled out once more by hand. */
function sideConditionsHold(action: string, performer: string, s: CaseSnapshot): boolean {
  // Parked: only the shift lead's unpark and void, and the leader's supervise.
  if (s.parked && !['unpark', 'void', 'supervise'].includes(action)) return false;
  const sinceClose = s.closedAt ? NOW.getTime() - s.closedAt.getTime() : Number.POSITIVE_INFINITY;
  switch (action) {
    case 'request_extension':
      return !s.extensionRequested;
    case 'approve_extension':
    case 'deny_extension':
      return s.extensionRequested;
    case 'request_park':
      return !s.parkRequested;
    case 'approve_park':
      return s.parkRequested;
    case 'unpark':
      return s.parked;
    case 'reopen': {
      if (sinceClose > 30 * DAY) return false;
      if (performer === 'shift_lead') return true;
      const r = s.rating;
      return r !== null && !r.fixed && s.closedAt !== null && r.at.getTime() - s.closedAt.getTime() <= 7 * DAY;
    }
    case 'rate':
      return s.rating === null;
    case 'callback_done':
      return s.callbackPending;
    case 'escalate':
      return s.escalationLevel < 3;
    default:
      return true;
  }
}

function performersOf(a: Actor): string[] {
  if (a.kind === 'staff') return [...a.roles];
  return [a.kind];
}

function scopeHolds(a: Actor, performer: string, row: SpecRow): boolean {
  if (a.kind === 'system') return true;
  if (a.kind === 'reporter') return a.trackingCodeValid;
  if (!a.inScope) return false;
  if (performer === 'grid_worker' && !a.isCaseGrid) return false;
  if (performer === 'department_staff' && !a.isCaseDepartment) return false;
  return !row.onCaseOnly || a.onCase;
}

const BEST: readonly ('ok' | Refusal)[] = ['role', 'scope', 'state', 'ok'];

/** The outcome the table prescribes; of several roles the actor holds, the one that gets furthest counts. */
function expected(s: CaseSnapshot, action: string, a: Actor): 'ok' | Refusal {
  const row = SPEC.get(action);
  if (!row) throw new Error(`no spec row for ${action}`);
  let best: 'ok' | Refusal = 'role';
  for (const w of row.who) {
    if (!performersOf(a).includes(w.performer)) continue;
    let outcome: 'ok' | Refusal;
    if (!scopeHolds(a, w.performer, row)) outcome = 'scope';
    else if (w.whereAllowed && !s.reporterMayVerify) outcome = 'role';
    else if (!row.from.includes(s.state) || !sideConditionsHold(action, w.performer, s)) outcome = 'state';
    else outcome = 'ok';
    if (BEST.indexOf(outcome) > BEST.indexOf(best)) best = outcome;
  }
  return best;
}

function staff(roles: Role[], over: Partial<Omit<Extract<Actor, { kind: 'staff' }>, 'kind'>> = {}): Actor {
  return {
    kind: 'staff',
    roles,
    inScope: true,
    isCaseGrid: roles.includes('grid_worker'),
    isCaseDepartment: roles.includes('department_staff'),
    onCase: true,
    ...over,
  };
}

const ACTORS: [string, Actor][] = [
  ...ROLES.flatMap((r): [string, Actor][] => [
    [`${r} in scope`, staff([r])],
    [`${r} out of scope`, staff([r], { inScope: false })],
    [`${r} in scope, not yet on the case`, staff([r], { onCase: false })],
  ]),
  ['grid worker of another grid', staff(['grid_worker'], { isCaseGrid: false })],
  ['department staff of another department', staff(['department_staff'], { isCaseDepartment: false })],
  ['grid worker of another grid who is also shift lead', staff(['grid_worker', 'shift_lead'], { isCaseGrid: false })],
  [
    'dispatcher and staff of another department',
    staff(['dispatcher', 'department_staff'], { isCaseDepartment: false }),
  ],
  ['staff with no roles', staff([])],
  ['reporter with a valid tracking code', { kind: 'reporter', trackingCodeValid: true }],
  ['reporter with an invalid tracking code', { kind: 'reporter', trackingCodeValid: false }],
  ['system', { kind: 'system' }],
];

const FACTS: CaseFacts = {
  gridId: 'g1',
  districtId: 'd1',
  departmentId: null,
  reporterMayVerify: true,
  afterPhotoRequired: true,
};

function snap(state: CaseState, over: Partial<CaseSnapshot> = {}): CaseSnapshot {
  return {
    ...intake('resident', FACTS).snapshot,
    state,
    departmentId: ['dispatched', 'handling', 'handled', 'verified', 'closed'].includes(state) ? 'dept1' : null,
    closedAt: state === 'closed' ? daysBefore(5) : null,
    ...over,
  };
}

const CLOSED_ONLY: readonly CaseState[] = ['closed'];
const FLAVOURS: [string, readonly CaseState[], Partial<CaseSnapshot>][] = [
  ['plain', CASE_STATES, {}],
  ['parked', OPEN_STATES, { parked: true }],
  ['parked with an extension requested', OPEN_STATES, { parked: true, extensionRequested: true }],
  ['park requested', OPEN_STATES, { parkRequested: true }],
  ['extension requested', OPEN_STATES, { extensionRequested: true }],
  ['category lets no reporter verify', CASE_STATES, { reporterMayVerify: false }],
  ['escalated to the district', OPEN_STATES, { escalationLevel: 3 }],
  ['supervised and escalated once', OPEN_STATES, { supervised: true, escalationLevel: 1 }],
  ['closed 30 days ago', CLOSED_ONLY, { closedAt: daysBefore(30) }],
  ['closed 31 days ago', CLOSED_ONLY, { closedAt: daysBefore(31) }],
  [
    'rated not fixed 3 days after close',
    CLOSED_ONLY,
    { closedAt: daysBefore(5), rating: { fixed: false, at: daysBefore(2) } },
  ],
  [
    'rated not fixed 8 days after close',
    CLOSED_ONLY,
    { closedAt: daysBefore(10), rating: { fixed: false, at: daysBefore(2) } },
  ],
  [
    'rated not fixed in time but closed 31 days ago',
    CLOSED_ONLY,
    { closedAt: daysBefore(31), rating: { fixed: false, at: daysBefore(30) } },
  ],
  ['rated fixed', CLOSED_ONLY, { rating: { fixed: true, at: daysBefore(1) } }],
  ['hotline with a callback pending', CLOSED_ONLY, { channel: 'hotline', callbackPending: true }],
];

describe('the transition table, exhaustively', () => {
  it('transcribes every action once, with the same targets and final markers as TRANSITIONS', () => {
    expect([...SPEC.keys()].sort()).toEqual([...CASE_ACTIONS].sort());
    for (const row of TRANSITIONS) {
      const spec = SPEC.get(row.action);
      expect(spec?.to, row.action).toBe(row.to);
      expect(spec?.final ?? false, row.action).toBe(row.final ?? false);
      expect(FINAL_STATES.includes(row.to as CaseState), row.action).toBe(row.final ?? false);
    }
  });

  for (const [flavour, states, over] of FLAVOURS) {
    describe(flavour, () => {
      it.each(states)('every action by every actor in %s is allowed or refused as the table says', (state) => {
        const s = snap(state, over);
        const mismatches: string[] = [];
        for (const action of CASE_ACTIONS) {
          for (const [label, actor] of ACTORS) {
            const want = expected(s, action, actor);
            const d = decide(s, action, actor, NOW);
            const got = d.ok ? 'ok' : d.reason;
            if (got !== want) mismatches.push(`${action} by ${label}: got ${got}, want ${want}`);
            if (d.ok) {
              const to = SPEC.get(action)?.to;
              const wantTo = to === 'same' ? state : to;
              if (d.to !== wantTo) mismatches.push(`${action} by ${label}: to ${d.to}, want ${wantTo}`);
            }
          }
        }
        expect(mismatches).toEqual([]);
      });
    });
  }
});

describe('intake', () => {
  it('starts each channel where the intake row says, with the whole-case clock and its stage clock', () => {
    const want: Record<Channel, CaseState> = {
      resident: 'reported',
      sensor: 'reported',
      api: 'reported',
      hotline: 'accepted',
      grid_patrol: 'confirmed',
      law_enforcement: 'confirmed',
    };
    for (const channel of CHANNELS) {
      expect(initialState(channel)).toBe(want[channel]);
      const { snapshot, effects } = intake(channel, FACTS);
      expect(snapshot.state).toBe(want[channel]);
      expect(effects).toEqual([
        { kind: 'start_case_clock' },
        { kind: 'start_clock', stage: EXPECTED_STAGE[want[channel]] },
      ]);
    }
  });

  it('keeps closed out of both the open and the final states', () => {
    expect(OPEN_STATES).not.toContain('closed');
    expect(FINAL_STATES).not.toContain('closed');
    expect(new Set([...OPEN_STATES, ...FINAL_STATES, 'closed'])).toEqual(new Set(CASE_STATES));
  });
});

/** Which stage clock should run in each open state, written out independently of STAGE_OF_STATE. */
const EXPECTED_STAGE: Record<string, Stage> = {
  reported: 'accept',
  accepted: 'confirm',
  confirmed: 'register',
  registered: 'dispatch',
  dispatched: 'handle',
  handling: 'handle',
  handled: 'verify',
  verified: 'verify',
};

/** Clocks as the service would keep them, driven only by the effects it is told to carry out. */
interface Clocks {
  stages: Map<Stage, 'running' | 'paused'>;
  whole: 'running' | 'paused' | 'stopped';
}

function runClocks(c: Clocks, effects: readonly Effect[]): string[] {
  const errors: string[] = [];
  for (const e of effects) {
    switch (e.kind) {
      case 'start_clock':
        if (c.stages.has(e.stage)) errors.push(`start of the ${e.stage} clock, already started`);
        c.stages.set(e.stage, 'running');
        break;
      case 'stop_clock':
        if (!c.stages.delete(e.stage)) errors.push(`stop of the ${e.stage} clock, not started`);
        break;
      case 'pause_clocks':
        for (const k of c.stages.keys()) c.stages.set(k, 'paused');
        if (c.whole !== 'running') errors.push('pause with the whole-case clock not running');
        c.whole = 'paused';
        break;
      case 'resume_clocks':
        for (const k of c.stages.keys()) c.stages.set(k, 'running');
        if (c.whole !== 'paused') errors.push('resume with the whole-case clock not paused');
        c.whole = 'running';
        break;
      case 'start_case_clock':
      case 'resume_case_clock':
        if (c.whole !== 'stopped') errors.push(`${e.kind} with the whole-case clock ${c.whole}`);
        c.whole = 'running';
        break;
      case 'stop_case_clock':
        if (c.whole === 'stopped') errors.push('stop of the whole-case clock, already stopped');
        c.whole = 'stopped';
        break;
      default:
        break;
    }
  }
  return errors;
}

function clockViolations(s: CaseSnapshot, c: Clocks): string[] {
  const running = [...c.stages].filter(([, v]) => v === 'running').map(([k]) => k);
  const paused = [...c.stages].filter(([, v]) => v === 'paused').map(([k]) => k);
  const out: string[] = [];
  if (OPEN_STATES.includes(s.state) && !s.parked) {
    if (running.length !== 1 || paused.length !== 0) out.push(`open: running ${running}, paused ${paused}`);
    else if (running[0] !== EXPECTED_STAGE[s.state]) out.push(`${s.state} runs the ${running[0]} clock`);
    if (c.whole !== 'running') out.push(`open: whole-case clock ${c.whole}`);
  } else if (OPEN_STATES.includes(s.state)) {
    if (running.length !== 0 || paused.length !== 1) out.push(`parked: running ${running}, paused ${paused}`);
    if (c.whole !== 'paused') out.push(`parked: whole-case clock ${c.whole}`);
  } else {
    if (c.stages.size !== 0) out.push(`${s.state}: stage clocks ${[...c.stages.keys()]}`);
    if (c.whole !== 'stopped') out.push(`${s.state}: whole-case clock ${c.whole}`);
  }
  return out;
}

/** One actor per part that can move a case, all entitled to it, so random walks go everywhere the table allows. */
const CAST: Actor[] = [
  ...ROLES.map((r) => staff([r])),
  { kind: 'reporter', trackingCodeValid: true },
  { kind: 'system' },
];

function fullInput(i: number, step: { fixed: boolean; score: number }): ActionInput {
  return {
    reason: 'because',
    note: 'seen',
    photos: 1,
    categoryCode: 'E0101',
    priority: 'normal',
    departmentId: `dept-${i}`,
    primaryCaseId: 'primary',
    newDeadline: new Date(NOW.getTime() + 30 * DAY),
    reviewDate: new Date(NOW.getTime() + 14 * DAY),
    gridId: `grid-${i}`,
    districtId: `district-${i}`,
    rating: step.score,
    fixed: step.fixed,
    duplicatesReviewed: true,
    callerAnswer: 'satisfied',
  };
}

const scenario = fc.record({
  channel: fc.constantFrom(...CHANNELS),
  reporterMayVerify: fc.boolean(),
  afterPhotoRequired: fc.boolean(),
  steps: fc.array(
    fc.record({
      /** Mostly move the case along the loop; uniform picks drown in supervise, park and void and seldom close. */
      forward: fc.oneof({ weight: 4, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
      pick: fc.nat(),
      /** Hours to let pass before the step: up to 40 days, so reopen and rating windows open and close. */
      hours: fc.oneof(fc.integer({ min: 0, max: 48 }), fc.integer({ min: 0, max: 40 * 24 })),
      fixed: fc.boolean(),
      score: fc.integer({ min: 1, max: 5 }),
    }),
    { maxLength: 80, size: 'max' },
  ),
});

type ScenarioValue = typeof scenario extends fc.Arbitrary<infer T> ? T : never;

interface Walk {
  channel: Channel;
  facts: CaseFacts;
  snapshots: CaseSnapshot[];
  events: CaseEvent[];
  decisions: { at: Date; effects: Effect[]; action: CaseAction; from: CaseState; to: CaseState }[];
  clockErrors: string[];
  times: Date[];
}

function walk(sc: ScenarioValue): Walk {
  const { reporterMayVerify, afterPhotoRequired } = sc;
  const facts: CaseFacts = { ...FACTS, reporterMayVerify, afterPhotoRequired };
  const start = intake(sc.channel, facts);
  let s = start.snapshot;
  const clocks: Clocks = { stages: new Map(), whole: 'stopped' };
  const w: Walk = {
    channel: sc.channel,
    facts,
    snapshots: [s],
    events: [],
    decisions: [],
    clockErrors: runClocks(clocks, start.effects),
    times: [],
  };
  w.clockErrors.push(...clockViolations(s, clocks));
  let t = NOW.getTime();
  for (const [i, step] of sc.steps.entries()) {
    t += step.hours * 3_600_000;
    const now = new Date(t);
    const all = CAST.flatMap((actor) => allowedActions(s, actor, now).map((action) => ({ actor, action })));
    if (all.length === 0) break;
    const ahead = all.filter(({ actor, action }) => {
      const d = decide(s, action, actor, now);
      return d.ok && d.to !== s.state && !FINAL_STATES.includes(d.to);
    });
    const moves = step.forward && ahead.length > 0 ? ahead : all;
    const move = moves[step.pick % moves.length];
    if (!move) break;
    const d = decide(s, move.action, move.actor, now);
    if (!d.ok) throw new Error(`allowedActions offered ${move.action}, decide refused: ${d.reason}`);
    const input = fullInput(i, step);
    const problems = validateInput(move.action, input, s);
    if (problems.length > 0) throw new Error(`${move.action}: ${JSON.stringify(problems)}`);
    w.decisions.push({ at: now, effects: d.effects, action: move.action, from: s.state, to: d.to });
    w.events.push({ action: move.action, by: d.as, at: now, input });
    w.clockErrors.push(...runClocks(clocks, d.effects).map((e) => `${move.action}: ${e}`));
    s = nextSnapshot(s, d, input, now);
    w.clockErrors.push(...clockViolations(s, clocks).map((e) => `after ${move.action}: ${e}`));
    w.snapshots.push(s);
    w.times.push(now);
  }
  return w;
}

const RUNS = { numRuns: 300 };
const EVERY_ACTOR = ACTORS.map(([, a]) => a);

describe('random walks through the loop (fast-check)', () => {
  it('an open unparked case runs exactly one stage clock, the one for its state; a parked one runs none', () => {
    fc.assert(
      fc.property(scenario, (sc) => {
        expect(walk(sc).clockErrors).toEqual([]);
      }),
      RUNS,
    );
  });

  it('final states accept nothing and closed cases only reopen, rate and callback_done, from anyone', () => {
    fc.assert(
      fc.property(scenario, (sc) => {
        const w = walk(sc);
        w.snapshots.forEach((s, i) => {
          const now = w.times[i - 1] ?? NOW;
          for (const actor of EVERY_ACTOR) {
            const allowed = allowedActions(s, actor, now);
            if (FINAL_STATES.includes(s.state)) expect(allowed).toEqual([]);
            if (s.state === 'closed') {
              for (const a of allowed) expect(['reopen', 'rate', 'callback_done']).toContain(a);
            }
          }
        });
      }),
      RUNS,
    );
  });

  it('no decision, allowed or not, leads outside the state set', () => {
    fc.assert(
      fc.property(scenario, (sc) => {
        const w = walk(sc);
        for (const s of w.snapshots) {
          for (const action of CASE_ACTIONS) {
            for (const actor of CAST) {
              const d = decide(s, action, actor, NOW);
              if (d.ok) expect(CASE_STATES).toContain(d.to);
              else expect(['state', 'role', 'scope']).toContain(d.reason);
            }
          }
          expect(CASE_STATES).toContain(s.state);
        }
      }),
      // Each run decides every action for every actor at every step; a few dozen walks cover the states well.
      { numRuns: 40 },
    );
  });

  it('the timeline replays to the snapshot computed step by step', () => {
    fc.assert(
      fc.property(scenario, (sc) => {
        const w = walk(sc);
        expect(replay(w.channel, w.events, w.facts)).toEqual(w.snapshots.at(-1));
        // And every prefix, so a replay that happens to agree only at the end does not pass.
        for (let k = 0; k < w.events.length; k += 7) {
          expect(replay(w.channel, w.events.slice(0, k), w.facts)).toEqual(w.snapshots[k]);
        }
      }),
      RUNS,
    );
  });

  it('rework and escalation counts only grow, and escalation stops at the district', () => {
    fc.assert(
      fc.property(scenario, (sc) => {
        const w = walk(sc);
        for (let i = 1; i < w.snapshots.length; i++) {
          const [a, b] = [w.snapshots[i - 1], w.snapshots[i]];
          if (!a || !b) continue;
          expect(b.reworkCount).toBeGreaterThanOrEqual(a.reworkCount);
          expect(b.escalationLevel).toBeGreaterThanOrEqual(a.escalationLevel);
          expect(b.escalationLevel).toBeLessThanOrEqual(3);
        }
      }),
      RUNS,
    );
  });

  it('merged and transferred cases point to another case; closed and final cases carry no pending flags', () => {
    fc.assert(
      fc.property(scenario, (sc) => {
        const w = walk(sc);
        for (const d of w.decisions) {
          if (d.to === 'merged') expect(d.effects).toContainEqual({ kind: 'point_to_primary' });
          if (d.to === 'transferred') expect(d.effects).toContainEqual({ kind: 'open_linked_case' });
          if (d.to === 'closed' && d.from !== 'closed' && w.channel === 'hotline') {
            expect(d.effects).toContainEqual({ kind: 'create_callback_task' });
          }
        }
        for (const s of w.snapshots) {
          if (OPEN_STATES.includes(s.state)) continue;
          expect([s.parked, s.parkRequested, s.extensionRequested]).toEqual([false, false, false]);
          expect(s.closedAt !== null).toBe(s.state === 'closed');
        }
      }),
      RUNS,
    );
  });

  it('walks reach every state and take every action (the generator covers the table)', () => {
    const seenStates = new Set<CaseState>();
    const seenMoves = new Set<string>();
    fc.assert(
      fc.property(scenario, (sc) => {
        const w = walk(sc);
        for (const s of w.snapshots) seenStates.add(s.state);
        for (const e of w.events) seenMoves.add(`${e.action} by ${e.by}`);
      }),
      { numRuns: 1000, seed: 20250312 },
    );
    expect([...seenStates].sort()).toEqual([...CASE_STATES].sort());
    const everyMove = new Set(TRANSITIONS.flatMap((r) => r.who.map((p) => `${r.action} by ${p}`)));
    expect([...seenMoves].sort()).toEqual([...everyMove].sort());
  });
});

const shiftLead = staff(['shift_lead']);
const system: Actor = { kind: 'system' };
const reporter: Actor = { kind: 'reporter', trackingCodeValid: true };

function must(d: ReturnType<typeof decide>): { to: CaseState; effects: Effect[] } {
  if (!d.ok) throw new Error(`refused: ${d.reason}`);
  return d;
}

describe('reopening', () => {
  it('lets the shift lead reopen 30 days after close and refuses at 31', () => {
    expect(decide(snap('closed', { closedAt: daysBefore(30) }), 'reopen', shiftLead, NOW)).toMatchObject({
      ok: true,
      to: 'handling',
    });
    expect(decide(snap('closed', { closedAt: daysBefore(31) }), 'reopen', shiftLead, NOW)).toEqual({
      ok: false,
      reason: 'state',
    });
  });

  it('reopens automatically when the reporter rates "not fixed" within 7 days, counting rework', () => {
    const closedAt = daysBefore(10);
    const closed = snap('closed', { closedAt, reworkCount: 1 });
    const ratedAt = new Date(closedAt.getTime() + 6 * DAY);
    expect(decide(closed, 'reopen', system, ratedAt)).toEqual({ ok: false, reason: 'state' });
    const rate = must(decide(closed, 'rate', reporter, ratedAt));
    const rated = nextSnapshot(closed, rate, { rating: 1, fixed: false }, ratedAt);
    expect(rated.rating).toEqual({ fixed: false, at: ratedAt });
    const d = must(decide(rated, 'reopen', system, ratedAt));
    expect(d.to).toBe('handling');
    expect(d.effects).toEqual([
      { kind: 'rework_plus_one' },
      { kind: 'start_clock', stage: 'handle' },
      { kind: 'resume_case_clock' },
    ]);
    const reopened = nextSnapshot(rated, d, { reason: 'rated not fixed' }, ratedAt);
    expect(reopened).toMatchObject({ state: 'handling', reworkCount: 2, closedAt: null, rating: null });
  });

  it('does not reopen automatically on a "not fixed" rating after 7 days, nor on a "fixed" one', () => {
    const closedAt = daysBefore(10);
    const late = snap('closed', { closedAt, rating: { fixed: false, at: new Date(closedAt.getTime() + 7 * DAY + 1) } });
    expect(decide(late, 'reopen', system, NOW)).toEqual({ ok: false, reason: 'state' });
    expect(decide(late, 'reopen', shiftLead, NOW).ok).toBe(true);
    const fixed = snap('closed', { closedAt, rating: { fixed: true, at: daysBefore(9) } });
    expect(decide(fixed, 'reopen', system, NOW)).toEqual({ ok: false, reason: 'state' });
  });

  it('lets the reporter rate once per close', () => {
    const rated = snap('closed', { rating: { fixed: true, at: daysBefore(1) } });
    expect(decide(rated, 'rate', reporter, NOW)).toEqual({ ok: false, reason: 'state' });
  });
});

describe('clocks', () => {
  const effectsOf = (state: CaseState, action: CaseAction, actor: Actor, over: Partial<CaseSnapshot> = {}): Effect[] =>
    must(decide(snap(state, over), action, actor, NOW)).effects;
  const dispatcher = staff(['dispatcher']);
  const dept = staff(['department_staff']);
  const grid = staff(['grid_worker']);

  it('hands over from the dispatch clock to the handle clock on dispatch', () => {
    expect(effectsOf('registered', 'dispatch', dispatcher)).toEqual([
      { kind: 'set_department' },
      { kind: 'stop_clock', stage: 'dispatch' },
      { kind: 'start_clock', stage: 'handle' },
    ]);
  });

  it('keeps the handle clock running through start and reassign', () => {
    expect(effectsOf('dispatched', 'start', dept)).toEqual([]);
    expect(effectsOf('handling', 'reassign', dispatcher)).toEqual([{ kind: 'set_department' }]);
  });

  it('restarts the handle clock on rework and goes back to the dispatch clock on return', () => {
    expect(effectsOf('handled', 'verify_fail', grid)).toEqual([
      { kind: 'rework_plus_one' },
      { kind: 'stop_clock', stage: 'verify' },
      { kind: 'start_clock', stage: 'handle' },
    ]);
    expect(effectsOf('handling', 'return', dept)).toEqual([
      { kind: 'clear_department' },
      { kind: 'stop_clock', stage: 'handle' },
      { kind: 'start_clock', stage: 'dispatch' },
    ]);
  });

  it('stops everything on close and creates the callback task for hotline cases', () => {
    expect(effectsOf('verified', 'close', shiftLead)).toEqual([
      { kind: 'stop_clock', stage: 'verify' },
      { kind: 'stop_case_clock' },
    ]);
    expect(effectsOf('verified', 'close', shiftLead, { channel: 'hotline' })).toEqual([
      { kind: 'create_callback_task' },
      { kind: 'stop_clock', stage: 'verify' },
      { kind: 'stop_case_clock' },
    ]);
  });

  it('pauses on approve_park, resumes on unpark, and stops the paused clocks when a parked case is voided', () => {
    expect(effectsOf('handling', 'approve_park', shiftLead, { parkRequested: true })).toEqual([
      { kind: 'set_park_requested', value: false },
      { kind: 'set_parked', value: true },
      { kind: 'pause_clocks' },
    ]);
    expect(effectsOf('handling', 'unpark', shiftLead, { parked: true })).toEqual([
      { kind: 'set_parked', value: false },
      { kind: 'resume_clocks' },
    ]);
    expect(effectsOf('handling', 'void', shiftLead, { parked: true, extensionRequested: true })).toEqual([
      { kind: 'stop_clock', stage: 'handle' },
      { kind: 'stop_case_clock' },
      { kind: 'set_parked', value: false },
      { kind: 'set_extension_requested', value: false },
    ]);
  });
});

describe('parked cases', () => {
  const parked = snap('handling', { parked: true, parkRequested: false });

  it('offer the shift lead only unpark and void, the leader only supervise, and the system nothing', () => {
    expect(allowedActions(parked, shiftLead, NOW)).toEqual(['unpark', 'void']);
    expect(allowedActions(parked, staff(['leader']), NOW)).toEqual(['supervise']);
    expect(allowedActions(parked, system, NOW)).toEqual([]);
    expect(allowedActions(parked, staff(['department_staff']), NOW)).toEqual([]);
  });

  it('cannot be handled, extended or escalated until unparked', () => {
    const dept = staff(['department_staff']);
    expect(decide(parked, 'handle', dept, NOW)).toEqual({ ok: false, reason: 'state' });
    expect(decide(parked, 'request_extension', dept, NOW)).toEqual({ ok: false, reason: 'state' });
    expect(decide(parked, 'escalate', system, NOW)).toEqual({ ok: false, reason: 'state' });
    const unparked = nextSnapshot(parked, must(decide(parked, 'unpark', shiftLead, NOW)), {}, NOW);
    expect(decide(unparked, 'handle', dept, NOW).ok).toBe(true);
  });
});

describe('who and scope', () => {
  it('lets the reporter verify only where the category allows, and not without a valid tracking code', () => {
    expect(decide(snap('handled'), 'verify_pass', reporter, NOW).ok).toBe(true);
    expect(decide(snap('handled', { reporterMayVerify: false }), 'verify_pass', reporter, NOW)).toEqual({
      ok: false,
      reason: 'role',
    });
    expect(decide(snap('handled'), 'verify_fail', { kind: 'reporter', trackingCodeValid: false }, NOW)).toEqual({
      ok: false,
      reason: 'scope',
    });
  });

  it('refuses department staff of another department with scope, so the service answers 404', () => {
    const other = staff(['department_staff'], { isCaseDepartment: false });
    expect(decide(snap('dispatched'), 'start', other, NOW)).toEqual({ ok: false, reason: 'scope' });
  });

  it('records the role an action was taken in', () => {
    const both = staff(['intake_clerk', 'shift_lead']);
    expect(decide(snap('accepted'), 'reroute', both, NOW)).toMatchObject({ ok: true, as: 'intake_clerk' });
    expect(decide(snap('accepted'), 'transfer', both, NOW)).toMatchObject({ ok: true, as: 'shift_lead' });
  });
});

describe('callbacks', () => {
  it('asks the clerk to call a hotline caller back once after each close', () => {
    const verified = snap('verified', { channel: 'hotline' });
    const closed = nextSnapshot(verified, must(decide(verified, 'close', shiftLead, NOW)), {}, NOW);
    expect(closed.callbackPending).toBe(true);
    const clerk = staff(['intake_clerk']);
    expect(allowedActions(closed, clerk, NOW)).toEqual(['callback_done']);
    const call = must(decide(closed, 'callback_done', clerk, NOW));
    const done = nextSnapshot(closed, call, { callerAnswer: 'satisfied' }, NOW);
    expect(done.callbackPending).toBe(false);
    expect(decide(done, 'callback_done', clerk, NOW)).toEqual({ ok: false, reason: 'state' });
  });
});

describe('replay', () => {
  it('walks a resident report round the whole loop', () => {
    const at = (h: number): Date => new Date(NOW.getTime() + h * 3_600_000);
    const events: CaseEvent[] = [
      { action: 'accept', by: 'intake_clerk', at: at(1), input: { duplicatesReviewed: true } },
      { action: 'confirm', by: 'grid_worker', at: at(2), input: { photos: 1 } },
      { action: 'register', by: 'shift_lead', at: at(3), input: { categoryCode: 'E0101', priority: 'high' } },
      { action: 'dispatch', by: 'dispatcher', at: at(4), input: { departmentId: 'sanitation' } },
      { action: 'start', by: 'department_staff', at: at(5) },
      { action: 'handle', by: 'department_staff', at: at(6), input: { note: 'cleared', photos: 2 } },
      { action: 'verify_fail', by: 'reporter', at: at(7), input: { reason: 'still there' } },
      { action: 'handle', by: 'department_staff', at: at(8), input: { note: 'cleared again', photos: 1 } },
      { action: 'verify_pass', by: 'grid_worker', at: at(9), input: { note: 'ok' } },
      { action: 'close', by: 'shift_lead', at: at(10) },
      { action: 'rate', by: 'reporter', at: at(11), input: { rating: 4, fixed: true } },
    ];
    expect(replay('resident', events, FACTS)).toMatchObject({
      state: 'closed',
      departmentId: 'sanitation',
      reworkCount: 1,
      closedAt: at(10),
      rating: { fixed: true, at: at(11) },
    });
  });

  it('refuses a timeline with an action out of order', () => {
    const events: CaseEvent[] = [{ action: 'dispatch', by: 'dispatcher', at: NOW, input: { departmentId: 'x' } }];
    expect(() => replay('resident', events, FACTS)).toThrow(/dispatch by dispatcher\) refused in reported: state/);
  });
});

describe('validateInput', () => {
  const v = (action: CaseAction, input: ActionInput, over: Partial<CaseSnapshot> = {}) =>
    validateInput(action, input, snap('handling', { departmentId: 'dept1', ...over }));

  it('names the missing fields', () => {
    expect(v('handle', {})).toEqual([
      { field: 'note', problem: 'missing' },
      { field: 'photos', problem: 'missing' },
    ]);
    expect(v('register', {})).toEqual([
      { field: 'categoryCode', problem: 'missing' },
      { field: 'priority', problem: 'missing' },
    ]);
    expect(v('request_park', { reason: '  ' })).toEqual([
      { field: 'reason', problem: 'missing' },
      { field: 'reviewDate', problem: 'missing' },
    ]);
    expect(v('request_extension', {})).toEqual([
      { field: 'newDeadline', problem: 'missing' },
      { field: 'reason', problem: 'missing' },
    ]);
    expect(v('accept', { duplicatesReviewed: false })).toEqual([{ field: 'duplicatesReviewed', problem: 'missing' }]);
    expect(v('merge', {})).toEqual([{ field: 'primaryCaseId', problem: 'missing' }]);
    expect(v('transfer', {})).toEqual([
      { field: 'districtId', problem: 'missing' },
      { field: 'reason', problem: 'missing' },
    ]);
    expect(v('callback_done', {})).toEqual([{ field: 'callerAnswer', problem: 'missing' }]);
    expect(v('confirm', {})).toEqual([{ field: 'note', problem: 'missing_note_or_photo' }]);
  });

  it('waives the after-photo where the category does', () => {
    expect(v('handle', { note: 'done' }, { afterPhotoRequired: false })).toEqual([]);
    expect(v('handle', { note: 'done', photos: 1 })).toEqual([]);
  });

  it('accepts a photo instead of a note where either will do', () => {
    expect(v('verify_pass', { photos: 1 })).toEqual([]);
    expect(v('verify_pass', { note: 'fine' })).toEqual([]);
  });

  it('rejects bad values and changes that change nothing', () => {
    expect(v('rate', { rating: 6 })).toEqual([
      { field: 'rating', problem: 'invalid' },
      { field: 'fixed', problem: 'missing' },
    ]);
    expect(v('rate', { rating: 2.5, fixed: false })).toEqual([{ field: 'rating', problem: 'invalid' }]);
    expect(v('register', { categoryCode: 'X01', priority: 'normal' })).toEqual([
      { field: 'categoryCode', problem: 'invalid' },
    ]);
    expect(v('reassign', { departmentId: 'dept1', reason: 'wrong' })).toEqual([
      { field: 'departmentId', problem: 'unchanged' },
    ]);
    expect(v('reroute', { gridId: 'g1', reason: 'x' })).toEqual([{ field: 'gridId', problem: 'unchanged' }]);
    expect(v('request_park', { reason: 'x', reviewDate: new Date('nope') })).toEqual([
      { field: 'reviewDate', problem: 'invalid' },
    ]);
    expect(v('supervise', { note: 'hurry', dueDate: new Date('nope') })).toEqual([
      { field: 'dueDate', problem: 'invalid' },
    ]);
    expect(v('handle', { note: 'x', photos: -1 })).toEqual([
      { field: 'photos', problem: 'invalid' },
      { field: 'photos', problem: 'missing' },
    ]);
  });

  it('asks nothing of actions that need nothing', () => {
    for (const action of ['start', 'close', 'escalate', 'approve_park', 'unpark', 'approve_extension'] as const) {
      expect(v(action, {})).toEqual([]);
    }
  });
});
