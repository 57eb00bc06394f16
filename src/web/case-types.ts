// Shapes of the closed loop's API answers (src/server/modules/cases/routes.ts) that the web app reads.
import type { Names } from './types.ts';

export const CASE_STATES = [
  'reported',
  'accepted',
  'confirmed',
  'registered',
  'dispatched',
  'handling',
  'handled',
  'verified',
  'closed',
  'rejected',
  'merged',
  'voided',
  'transferred',
] as const;
export type CaseState = (typeof CASE_STATES)[number];

export const OPEN_STATES: readonly CaseState[] = [
  'reported',
  'accepted',
  'confirmed',
  'registered',
  'dispatched',
  'handling',
  'handled',
  'verified',
];

export const CASE_ACTIONS = [
  'accept',
  'reject',
  'merge',
  'confirm',
  'refute',
  'register',
  'dispatch',
  'reassign',
  'return',
  'start',
  'handle',
  'verify_pass',
  'verify_fail',
  'close',
  'reopen',
  'rate',
  'callback_done',
  'request_extension',
  'approve_extension',
  'deny_extension',
  'request_park',
  'approve_park',
  'unpark',
  'void',
  'supervise',
  'reroute',
  'transfer',
  'escalate',
] as const;
export type CaseAction = (typeof CASE_ACTIONS)[number];

export const CHANNELS = ['resident', 'grid_patrol', 'hotline', 'law_enforcement', 'sensor', 'api'] as const;
export type Channel = (typeof CHANNELS)[number];

export const PRIORITIES = ['urgent', 'high', 'normal'] as const;
export type Priority = (typeof PRIORITIES)[number];

export const LIGHTS = ['red', 'yellow', 'green'] as const;
export type Light = (typeof LIGHTS)[number];

export const CALLER_ANSWERS = ['satisfied', 'basically_satisfied', 'dissatisfied', 'unreachable'] as const;
export type CallerAnswer = (typeof CALLER_ANSWERS)[number];

export type CoordSys = 'wgs84' | 'gcj02';

export interface CaseSummary {
  id: string;
  number: string;
  state: string;
  channel: string;
  categoryCode: string;
  categoryName: string;
  priority: string;
  triage: boolean;
  parked: boolean;
  parkRequested: boolean;
  extensionRequested: boolean;
  supervised: boolean;
  escalationLevel: number;
  reworkCount: number;
  districtId: string;
  gridId: string | null;
  departmentId: string | null;
  suggestedDepartmentId: string | null;
  description: string;
  address: string | null;
  lat: number;
  lng: number;
  primaryCaseId: string | null;
  linkedCaseId: string | null;
  supporters: number;
  deadlineAt: string | null;
  stage: string | null;
  stageDeadlineAt: string | null;
  light: Light | null;
  rating: number | null;
  callbackPending: boolean;
  reportedAt: string;
  closedAt: string | null;
  updatedAt: string;
  version: number;
}

export interface CaseClock {
  stage: string;
  base: 'working' | 'natural';
  limitMinutes: number;
  startedAt: string;
  stoppedAt: string | null;
  deadlineAt: string | null;
  paused: boolean;
  light: Light | null;
}

export interface Reporter {
  anonymous: boolean;
  name: string | null;
  phone: string | null;
  email: string | null;
  masked: boolean;
}

export interface CaseDetail extends CaseSummary {
  category: {
    code: string;
    name: string;
    registerCondition: string;
    closeCondition: string;
    afterPhotoRequired: boolean;
    reporterMayVerify: boolean;
  } | null;
  reporter: Reporter;
  /** The deadline an extension request asks for (ISO), while the request is pending or after it. */
  requestedDeadline: string | null;
  /** A day (YYYY-MM-DD) in the city's calendar. */
  parkReviewDate: string | null;
  /** A day (YYYY-MM-DD) in the city's calendar. */
  superviseDue: string | null;
  /** The reporter's answers to the category's extra questions, by attribute code. */
  attributes: Record<string, unknown> | null;
  /** The reporter's word on the result: fixed or not, once rated. */
  fixed: boolean | null;
  actions: string[];
  duplicateCandidates: Array<{ id: string; number: string; state: string; distanceM: number }>;
  clocks: CaseClock[];
  attachments: Array<{ id: string; kind: string; contentType: string; bytes: number; url: string }>;
}

export interface TimelineEntry {
  id: string;
  at: string;
  actor: string;
  role: string | null;
  action: string;
  from: string | null;
  to: string | null;
  reason: string | null;
  note: string | null;
  details: Record<string, unknown> | null;
}

export interface CaseListPage {
  items: CaseSummary[];
  total: number;
  next: string | null;
}

export interface InboxQueue {
  name: string;
  total: number;
  items: CaseSummary[];
}

export interface ReportResult {
  caseId: string;
  caseNumber: string;
  trackingCode: string;
  state: string;
  triage: boolean;
  merged: boolean;
  duplicateCandidates: number;
}

export interface TrackingView {
  number: string;
  state: string;
  categoryCode: string;
  categoryName: string;
  description: string;
  address: string | null;
  lat: number;
  lng: number;
  reportedAt: string;
  closedAt: string | null;
  deadlineAt: string | null;
  rating: number | null;
  merged: boolean;
  /** The case a merged report joined, and where that case stands. */
  mergedInto: { number: string; state: string } | null;
  supporters: number;
  actions: Array<'verify_pass' | 'verify_fail' | 'rate'>;
  timeline: Array<{ at: string; action: string; from: string | null; to: string | null }>;
  photos: Array<{ id: string; kind: string; url: string }>;
}

export interface CategoryAttribute {
  code: string;
  datatype: 'string' | 'number' | 'datetime' | 'text' | 'singlevaluelist' | 'multivaluelist';
  required: boolean;
  description: Names;
  values?: Array<{ key: string; names: Names }>;
}

export interface StageLimits {
  accept: number;
  confirm: number;
  register: number;
  dispatch: number;
  handle: Record<Priority, number>;
  verify: number;
}

export interface SubCategory {
  code: string;
  type: 'component' | 'event';
  majorCode: string;
  name: string;
  names: Names;
  registerCondition: Names;
  closeCondition: Names;
  defaultDepartmentKind: string;
  timeBase: 'working' | 'natural';
  limits: StageLimits;
  duplicateRadiusM: number;
  duplicateWindowMinutes: number;
  reporterMayVerify: boolean;
  afterPhotoRequired: boolean;
  caseType: 'immediate' | 'committed' | 'coordinated';
  attributes?: CategoryAttribute[];
}

export interface MajorCategory {
  code: string;
  name: string;
  names: Names;
  children: SubCategory[];
}

export interface CategoryFamily {
  code: 'C' | 'E';
  name: string;
  names: Names;
  children: MajorCategory[];
}

export interface Department {
  id: string;
  code: string;
  kind: string;
  name: string;
  names: Names;
  jurisdictionId: string;
}

export interface LocateResult {
  grid: { id: string; code: string; level: string; name: string; names: Names };
  ancestors: Array<{ id: string; code: string; level: string; name: string; names: Names }>;
  point: { lat: number; lng: number };
}

export interface RoutingRule {
  id: string;
  categoryCode: string | null;
  jurisdictionId: string;
  jurisdictionName: string;
  departmentId: string;
  departmentName: string;
}

export interface CalendarYear {
  year: number;
  holidays: string[];
  workdays: string[];
  source: string | null;
}

export interface CalendarView {
  timezone: string;
  workingHours: Array<[string, string]>;
  years: CalendarYear[];
  missingYears: number[];
}

export function isCaseAction(value: string): value is CaseAction {
  return (CASE_ACTIONS as readonly string[]).includes(value);
}

export function isCaseState(value: string): value is CaseState {
  return (CASE_STATES as readonly string[]).includes(value);
}
