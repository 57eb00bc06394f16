/**
 * The indicators of the GB/T 30428 family as ratios of summed case facts. Each count is defined once, in SQL, by
 * `command_facts` (0004_command.sql); this table only says which two sums make each indicator, so the rollup path and
 * the naive path (and every caller) compute the same figure from the same sums.
 */
import type { Names } from '../../i18n.ts';

export const INDICATOR_KEYS = [
  'registration_rate',
  'dispatch_rate',
  'closure_rate',
  'on_time_closure_rate',
  'on_time_handling_rate',
  'rework_rate',
  'extension_rate',
  'satisfaction_rate',
] as const;
export type IndicatorKey = (typeof INDICATOR_KEYS)[number];

export interface Indicator {
  key: IndicatorKey;
  numerator: number;
  denominator: number;
  value: number | null;
}

/** The counters of a fact row, in the order of the columns of `case_rollup`. */
export const COUNTERS = [
  'n',
  'registered',
  'dispatched',
  'closed',
  'closed_on_time',
  'handled_on_time',
  'reworked',
  'extended',
  'satisfied',
  'judged',
] as const;
export type Counter = (typeof COUNTERS)[number];
export type Counts = Record<Counter, number>;

export function zeroCounts(): Counts {
  return { n: 0, registered: 0, dispatched: 0, closed: 0, closed_on_time: 0, handled_on_time: 0, reworked: 0, extended: 0, satisfied: 0, judged: 0 };
}

export function addCounts(into: Counts, more: Counts): Counts {
  for (const c of COUNTERS) into[c] += more[c];
  return into;
}

/**
 * The two cohorts of a period: the cases accepted in it (for the registration rate) and the cases registered in it
 * (for everything else). Voided, merged and transferred cases are in neither (the facts leave them out).
 */
export interface Cohorts {
  accepted: Counts;
  registered: Counts;
}

type Term = readonly [cohort: keyof Cohorts, counter: Counter];

export const DEFINITIONS: Readonly<Record<IndicatorKey, { numerator: Term; denominator: Term }>> = {
  registration_rate: { numerator: ['accepted', 'registered'], denominator: ['accepted', 'n'] },
  dispatch_rate: { numerator: ['registered', 'dispatched'], denominator: ['registered', 'n'] },
  closure_rate: { numerator: ['registered', 'closed'], denominator: ['registered', 'n'] },
  on_time_closure_rate: { numerator: ['registered', 'closed_on_time'], denominator: ['registered', 'n'] },
  on_time_handling_rate: { numerator: ['registered', 'handled_on_time'], denominator: ['registered', 'dispatched'] },
  rework_rate: { numerator: ['registered', 'reworked'], denominator: ['registered', 'n'] },
  extension_rate: { numerator: ['registered', 'extended'], denominator: ['registered', 'n'] },
  satisfaction_rate: { numerator: ['registered', 'satisfied'], denominator: ['registered', 'judged'] },
};

export function indicator(key: IndicatorKey, cohorts: Cohorts): Indicator {
  const d = DEFINITIONS[key];
  const numerator = cohorts[d.numerator[0]][d.numerator[1]];
  const denominator = cohorts[d.denominator[0]][d.denominator[1]];
  return { key, numerator, denominator, value: denominator === 0 ? null : numerator / denominator };
}

export function indicatorsOf(cohorts: Cohorts): Indicator[] {
  return INDICATOR_KEYS.map((k) => indicator(k, cohorts));
}

export function emptyCohorts(): Cohorts {
  return { accepted: zeroCounts(), registered: zeroCounts() };
}

export const INDICATOR_NAMES: Readonly<Record<IndicatorKey, Names>> = {
  registration_rate: { 'zh-Hant': '立案率', 'zh-Hans': '立案率', en: 'Registration rate' },
  dispatch_rate: { 'zh-Hant': '派遣率', 'zh-Hans': '派遣率', en: 'Dispatch rate' },
  closure_rate: { 'zh-Hant': '結案率', 'zh-Hans': '结案率', en: 'Closure rate' },
  on_time_closure_rate: { 'zh-Hant': '按期結案率', 'zh-Hans': '按期结案率', en: 'On-time closure rate' },
  on_time_handling_rate: { 'zh-Hant': '按期處置率', 'zh-Hans': '按期处置率', en: 'On-time handling rate' },
  rework_rate: { 'zh-Hant': '返工率', 'zh-Hans': '返工率', en: 'Rework rate' },
  extension_rate: { 'zh-Hant': '延期率', 'zh-Hans': '延期率', en: 'Extension rate' },
  satisfaction_rate: { 'zh-Hant': '滿意率', 'zh-Hans': '满意率', en: 'Satisfaction rate' },
};

/**
 * The roles of the by-role table and the actions by which a role takes part in a case (from the timeline's
 * `actor_role` and `action`). A role's row holds the eight indicators over the cases of the period's cohorts in which
 * someone in that role took one of these actions.
 */
export const ROLE_ACTIONS = {
  // 監督員: grid workers report what they find on patrol, check reports on site and verify the results.
  grid_worker: ['intake', 'confirm', 'refute', 'verify_pass', 'verify_fail'],
  // 受理員: hotline intake, accepting, rejecting and merging reports, calling hotline reporters back.
  intake_clerk: ['intake', 'accept', 'reject', 'merge', 'callback_done'],
  // 值班長: registering, closing and reopening, deciding extensions and parking, voiding, rerouting, transferring.
  shift_lead: ['register', 'close', 'reopen', 'approve_extension', 'deny_extension', 'approve_park', 'unpark', 'void', 'reroute', 'transfer'],
  // 派遣員: dispatching and reassigning.
  dispatcher: ['dispatch', 'reassign'],
} as const;
export type IndicatorRole = keyof typeof ROLE_ACTIONS;
export const INDICATOR_ROLES = Object.keys(ROLE_ACTIONS) as IndicatorRole[];

export const ROLE_NAMES: Readonly<Record<IndicatorRole, Names>> = {
  grid_worker: { 'zh-Hant': '監督員（網格員）', 'zh-Hans': '监督员（网格员）', en: 'Inspector (grid worker)' },
  intake_clerk: { 'zh-Hant': '受理員', 'zh-Hans': '受理员', en: 'Intake clerk' },
  shift_lead: { 'zh-Hant': '值班長', 'zh-Hans': '值班长', en: 'Shift lead' },
  dispatcher: { 'zh-Hant': '派遣員', 'zh-Hans': '派遣员', en: 'Dispatcher' },
};

/** Headers of the XLSX export, per language. */
export const SHEET_WORDS: Readonly<Record<'sheet' | 'node' | 'department' | 'role' | 'numerator' | 'denominator' | 'period' | 'asOf', Names>> = {
  sheet: { 'zh-Hant': '指標', 'zh-Hans': '指标', en: 'Indicators' },
  node: { 'zh-Hant': '轄區', 'zh-Hans': '辖区', en: 'Jurisdiction' },
  department: { 'zh-Hant': '處置部門', 'zh-Hans': '处置部门', en: 'Department' },
  role: { 'zh-Hant': '角色', 'zh-Hans': '角色', en: 'Role' },
  numerator: { 'zh-Hant': '分子', 'zh-Hans': '分子', en: 'numerator' },
  denominator: { 'zh-Hant': '分母', 'zh-Hans': '分母', en: 'denominator' },
  period: { 'zh-Hant': '期間', 'zh-Hans': '期间', en: 'Period' },
  asOf: { 'zh-Hant': '數據截至', 'zh-Hans': '数据截至', en: 'As of' },
};
