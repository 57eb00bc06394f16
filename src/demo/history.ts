/**
 * Demo history (issue 3 item 13): about six months of cases before a reference date, written in bulk. Every case is
 * told as a story: its actions are decided one at a time through the real workflow (`decideAs`/`nextSnapshot`), its
 * times come from its category's stage limits on the working calendar (mostly within, some beyond), and its clocks and
 * row are kept exactly as the case service and the SLA sweeper would have kept them, escalations included. The rows
 * are then copied in batches (see copy.ts), never replayed through the API.
 *
 * Deterministic for a seed and reference date: counts, states, categories, channels, times, positions and ids come
 * from seeded streams keyed by the case's plan index. Tracking codes and the ciphertexts of reporter contact details
 * use real randomness (a predictable tracking code would open the case to anyone who knows the seed).
 */
import type { CaseRow } from '../server/modules/cases/store.ts';
import { ZoneOffsets } from '../domain/zone.ts';
import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import { systemCaller } from '../db/caller.ts';
import type { Database } from '../db/database.ts';
import { type ClockPause, deadlineOf, type TimeBase, type WorkingCalendar } from '../domain/calendar.ts';
import { type Category, type Priority, stageLimit, WORKING_DAY_MINUTES } from '../domain/categories.ts';
import { DataCipher } from '../domain/crypto.ts';
import {
  type ActionInput,
  type CaseAction,
  type CaseSnapshot,
  type CaseState,
  type Channel,
  decideAs,
  type Effect,
  intake,
  nextSnapshot,
  OPEN_STATES,
  type Performer,
} from '../domain/workflow.ts';
import { recordAudit } from '../server/modules/audit/service.ts';
import { CASE_CLOCK, caseLimit, marks } from '../server/modules/cases/clocks.ts';
import { loadReferenceData } from '../server/modules/cases/reference.ts';
import { hashTrackingCode, newTrackingCode } from '../server/modules/cases/service.ts';
import { rebuildRollups } from '../server/modules/command/rollup.ts';
import { type CsvValue, copyTables, csvLine } from './copy.ts';
import { type Rng, rngFor } from './prng.ts';

export interface HistoryOptions {
  /** PRNG seed; the same seed and reference date give the same history. Default 1. */
  seed?: number;
  /** The reference date: the history ends here (open cases are open as of this instant). Default: now. */
  asOf?: Date;
  /** Cases reported in the window (transferred cases add their linked cases on top). Default 20,000. */
  cases?: number;
  /** GRIDLOOP_DATA_KEY: reporter contact details are encrypted with it, as at intake. */
  dataKey: Buffer;
  /** GRIDLOOP_TIMEZONE: working hours, local days and case-number years are read in it. */
  timezone: string;
  /** Cases per COPY transaction. Default 2,000: short transactions keep an embedded server responsive. */
  batchSize?: number;
}

export interface HistoryProgress {
  step: 'history';
  done: number;
  total: number;
}

export interface HistorySummary {
  cases: number;
  events: number;
  clocks: number;
  /** Cases per state as of the reference date. */
  states: Record<string, number>;
  from: Date;
  asOf: Date;
  ms: number;
}

/** Thrown instead of adding a second history: the numbers, supporters and counts would stop adding up. */
export class HistoryExistsError extends Error {
  constructor() {
    super('The database already has a demo history (audit action seed.history); it is only added once.');
    this.name = 'HistoryExistsError';
  }
}

export const DEFAULT_HISTORY_CASES = 20_000;
/** About six months. */
export const HISTORY_DAYS = 182;
const DEFAULT_BATCH = 2000;

const SECOND = 1000;
const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;

// ——— What the history looks like ———

const CHANNEL_WEIGHTS: ReadonlyArray<readonly [Channel, number]> = [
  ['resident', 45],
  ['grid_patrol', 25],
  ['hotline', 20],
  ['sensor', 5],
  ['law_enforcement', 3],
  ['api', 2],
];

/** Reports per local hour of the day, relative; a working day's shape. */
const HOUR_WEIGHTS: Readonly<Record<Channel, readonly number[]>> = {
  // Residents report on the way to work, at lunch, after work and in the evening.
  resident: [0.3, 0.15, 0.1, 0.08, 0.08, 0.15, 0.5, 1.2, 2.2, 2.6, 2.5, 2.2, 1.8, 1.7, 2, 2.1, 2, 1.9, 1.8, 2, 1.8, 1.3, 0.8, 0.5],
  // Patrols walk their grids in working hours.
  grid_patrol: [0, 0, 0, 0, 0, 0, 0, 0.2, 1.5, 3, 3, 2.4, 0.5, 0.7, 2.5, 3, 2.8, 1.2, 0.2, 0.1, 0, 0, 0, 0],
  // The 12345 desk answers day and night, busiest in the daytime.
  hotline: [0.4, 0.25, 0.15, 0.1, 0.1, 0.2, 0.5, 1.2, 2.4, 2.8, 2.7, 2.3, 1.7, 1.8, 2.4, 2.5, 2.3, 2, 1.7, 1.8, 1.6, 1.2, 0.9, 0.6],
  // Officers in the daytime and on evening rounds (barbecues, night markets).
  law_enforcement: [0.1, 0.05, 0, 0, 0, 0, 0.1, 0.5, 1.5, 2, 2, 1.5, 0.8, 1, 1.8, 2, 1.8, 1.2, 1, 1.5, 1.8, 1.5, 0.8, 0.3],
  sensor: [1, 1, 1, 1, 1, 1, 1, 1.1, 1.2, 1.2, 1.2, 1.2, 1.2, 1.2, 1.2, 1.2, 1.2, 1.2, 1.1, 1.1, 1, 1, 1, 1],
  api: [0.3, 0.15, 0.1, 0.08, 0.08, 0.15, 0.5, 1.2, 2.2, 2.6, 2.5, 2.2, 1.8, 1.7, 2, 2.1, 2, 1.9, 1.8, 2, 1.8, 1.3, 0.8, 0.5],
};

/** Reports on a weekend or public holiday, relative to a working day. */
const OFF_DAY_FACTOR: Readonly<Record<Channel, number>> = {
  resident: 0.8,
  grid_patrol: 0.25,
  hotline: 0.8,
  law_enforcement: 0.4,
  sensor: 1,
  api: 0.7,
};

/** How often each category comes up (garbage, parking and vendors lead, as in every city's statistics); default 0.5. */
const CATEGORY_WEIGHTS: Readonly<Record<string, number>> = {
  E0102: 10, E0505: 9, E0501: 8, E0504: 6, E0201: 6, E0103: 5, E0104: 5, E0507: 5, E0506: 4, E0301: 4, C0305: 4,
  C0118: 4, E0108: 3, E0508: 3, E0101: 3, E0302: 2, E0304: 2, E0305: 2, E0404: 2, C0402: 2, E0106: 2, E0510: 2,
  E0202: 2, C0101: 1.5, C0102: 1.5, C0103: 1.5, E0406: 1.5, C0405: 1.5, C0301: 1.5, E0503: 1.5, E0203: 1.5,
  C0307: 1.5, C0104: 1, E0402: 1, C0209: 1, C0211: 1, C0214: 1, E0502: 1, E0204: 1, E0401: 0.6, E0403: 0.3,
};

/** Sensors only report what they can measure: covers that tilt, lights that fail, water where it should not be. */
const SENSOR_WEIGHTS: Readonly<Record<string, number>> = {
  C0101: 3, C0102: 3, C0103: 3, C0104: 2, C0105: 2, C0107: 2, C0116: 1, C0118: 3, C0214: 2, E0302: 3, E0402: 1,
  E0403: 0.5, E0404: 2, E0406: 3,
};

/** Officers see illegal construction, vendors and barbecues; they rarely file a broken light. */
const LAW_ENFORCEMENT_FACTORS: Readonly<Record<string, number>> = {
  E0101: 6, E0501: 3, E0504: 3, E0510: 4, E0505: 2, E0202: 2, E0203: 2, E0301: 2, E0305: 2,
};

/** Callers phone about what keeps them awake or floods their street. */
const HOTLINE_FACTORS: Readonly<Record<string, number>> = {
  E0301: 3, E0508: 3, E0101: 2, E0404: 2, E0402: 2, E0403: 3, E0406: 1.5,
};

function categoryWeight(c: Category, channel: Channel, month: number): number {
  let w: number;
  if (channel === 'sensor') w = SENSOR_WEIGHTS[c.code] ?? 0;
  else {
    w = CATEGORY_WEIGHTS[c.code] ?? 0.5;
    if (channel === 'law_enforcement') w *= LAW_ENFORCEMENT_FACTORS[c.code] ?? 0.2;
    if (channel === 'hotline') w *= HOTLINE_FACTORS[c.code] ?? 0.8;
    // Patrols find what lies in the street, not what is heard at night.
    if (channel === 'grid_patrol' && /^(E01|E02|E05|C03)/.test(c.code) && c.code !== 'E0508') w *= 1.5;
  }
  // Seasons: snow in winter, floods in the rainy season, barbecues in summer.
  if (c.code === 'E0407') w *= month === 12 || month <= 2 ? 5 : 0.01;
  if (c.code === 'E0406') w *= month >= 6 && month <= 9 ? 4 : 0.2;
  if (c.code === 'E0510') w *= month >= 5 && month <= 9 ? 2 : 0.4;
  return w;
}

type Fate = 'normal' | 'merge' | 'reject' | 'refute' | 'void' | 'transfer' | 'backlog';

/** Per channel: the share of each way a case ends other than being handled and closed. */
function fateWeights(channel: Channel, transfers: boolean): Array<readonly [Fate, number]> {
  const atIntake = channel === 'resident' || channel === 'sensor' || channel === 'api';
  const beforeConfirm = atIntake || channel === 'hotline';
  return [
    ['merge', channel === 'resident' ? 4 : channel === 'hotline' ? 3 : channel === 'sensor' ? 3 : channel === 'api' ? 2 : 0],
    ['reject', atIntake ? 3 : 0],
    ['refute', beforeConfirm ? 2.5 : 0],
    ['void', 0.8],
    ['transfer', transfers ? 0.6 : 0],
    ['backlog', 2.5],
  ];
}

/**
 * The open states backlog cases get stuck in, in turn: each at least once per round, the long stages (handling,
 * waiting for a department) more often than the quick desk steps.
 */
const BACKLOG_CYCLE: readonly CaseState[] = [
  'handling', 'reported', 'dispatched', 'accepted', 'handling', 'confirmed', 'handled', 'registered', 'handling',
  'verified', 'dispatched', 'handling',
];

/** Base chance per stage that it runs past its limit; "troubled" cases (hard problems, slow units) run late often. */
const LATE_P = 0.012;
const TROUBLED_P = 0.05;
const TROUBLED_LATE_P = 0.3;
const EXTENSION_P = 0.06;
const EXTENSION_APPROVED_P = 0.7;
const PARK_P = 0.02;
const REASSIGN_P = 0.025;
const RETURN_P = 0.02;
const VERIFY_FAIL_P = 0.07;
const LEAD_REOPEN_P = 0.004;
/** Share of closed cases whose reporter rates them, by channel (anyone with the tracking code may). */
const RATE_P: Readonly<Record<Channel, number>> = {
  resident: 0.4,
  api: 0.2,
  hotline: 0.1,
  sensor: 0,
  grid_patrol: 0,
  law_enforcement: 0,
};
/** Leaders chase a case that has escalated twice, about a third of the time. */
const SUPERVISE_P = 0.35;

const RATINGS: ReadonlyArray<readonly [number, number]> = [
  [5, 58],
  [4, 26],
  [3, 9],
  [2, 4],
  [1, 3],
];
const RATINGS_AFTER_REWORK: ReadonlyArray<readonly [number, number]> = [
  [5, 35],
  [4, 30],
  [3, 17],
  [2, 10],
  [1, 8],
];
const CALLER_ANSWERS: ReadonlyArray<readonly [NonNullable<ActionInput['callerAnswer']>, number]> = [
  ['satisfied', 62],
  ['basically_satisfied', 22],
  ['dissatisfied', 7],
  ['unreachable', 9],
];

/** When the demo has no department of a category's kind, the dispatcher sends it to the nearest fit. */
const FALLBACK_KIND: Readonly<Record<string, string>> = {
  urban_management: 'sanitation',
  traffic: 'roads',
  housing: 'roads',
  power: 'roads',
  telecom: 'roads',
  fire: 'water',
};

/** Who enters each channel's report: the role written on the intake row. */
const INTAKE_ROLE: Readonly<Record<Channel, string>> = {
  resident: 'public',
  hotline: 'intake_clerk',
  grid_patrol: 'grid_worker',
  law_enforcement: 'dispatcher',
  sensor: 'system',
  api: 'system',
};

// Texts in the demo city's language (zh-Hans), short and plausible.
const REASONS = {
  reject: ['不属于城市管理受理范围', '位置信息不准确，无法定位', '反映内容不明确，无法受理', '属于民事纠纷，建议通过其他途径解决'],
  refute: ['现场核实未发现所述问题', '问题已自行消除', '现场情况与反映不符'],
  merge: ['重复上报，合并处理', '与已有案件为同一问题'],
  reassign: ['权属单位有误，改派', '经核实属其他单位职责'],
  return: ['非本单位职责范围', '权属不清，退回重新派遣'],
  verifyFail: ['现场核查仍未处置到位', '处置不彻底，需返工', '问题仍然存在'],
  reporterFail: ['问题还在，没有处理好', '只处理了一部分'],
  reopen: ['复查发现问题反复出现', '群众再次反映，重新处置'],
  requestExtension: ['需协调多个部门，申请延期', '需采购材料，申请延期', '天气原因无法施工，申请延期'],
  denyExtension: ['不符合延期条件，请按期处置', '延期理由不充分'],
  requestPark: ['需纳入专项整治统一处理', '涉及产权纠纷，待司法程序结束', '需待管线改造工程实施'],
  void: ['重复立案，作废', '上报信息有误，作废', '问题已由其他渠道处理，作废'],
  transfer: ['属地不符，转相邻区办理', '问题位于区界，权属在相邻区'],
  reroute: ['根据实际位置调整网格', '转入本区后分配网格'],
} as const;

const NOTES = {
  confirm: ['现场核实属实', '已到现场确认，情况属实', '核实属实，已拍照留存'],
  handle: ['已处置完毕', '已清理完毕，恢复原状', '已维修完成', '已劝离并清理现场', '已整改到位'],
  verifyPass: ['核查已处置到位', '现场复核合格', '已恢复正常'],
  reporterPass: ['已经处理好了，谢谢', '问题已解决'],
  supervise: ['请加快处置进度', '该案件已超期，请重点督办', '请于期限内办结并反馈'],
} as const;

const DESCRIPTIONS: Readonly<Record<string, readonly string[]>> = {
  E0102: ['路边有暴露垃圾，气味很大', '垃圾桶旁堆放大量生活垃圾', '绿化带内有暴露垃圾'],
  E0505: ['机动车长期占用人行道停放', '小区门口车辆乱停，堵塞通道', '公交站台前有车辆违停'],
  E0501: ['路口有流动商贩占道经营', '早市摊贩占用人行道', '夜间有商贩推车售卖'],
  E0504: ['商铺在门外摆放货物经营', '餐馆在店外摆桌经营'],
  E0201: ['墙面和电线杆上张贴大量小广告', '楼道内有喷涂小广告'],
  E0103: ['空地上堆积建筑垃圾和渣土', '楼后积存垃圾很久没人清'],
  E0104: ['路面有大量污渍和散落垃圾', '道路清扫不及时，落叶堆积'],
  E0507: ['人行道上堆放建材', '楼道外乱堆杂物'],
  C0118: ['路灯不亮，夜间行走不便', '路灯白天常亮', '路灯一直闪烁'],
  C0305: ['垃圾箱破损', '垃圾箱满溢无人清理'],
  E0301: ['夜间施工噪音扰民', '工地清晨施工声音很大'],
  E0406: ['路面积水严重，车辆无法通行', '下雨后路口积水很深'],
};
const GENERIC_DESCRIPTIONS = ['{name}，请尽快处理', '发现{name}问题，影响周边居民', '{name}，存在安全隐患', '{name}，希望有关部门处理'];

const SURNAMES = [...'王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈'];
const GIVEN = [...'伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍鹏辉建国红梅志文斌宇浩凯欣怡子涵雨轩'];

/** Who leaves contact details, by channel: staff and sensors report for themselves and leave none. */
const CONTACT_ODDS: Readonly<Record<Channel, { anonymous: number; name: number; phone: number; email: number }>> = {
  resident: { anonymous: 0.35, name: 0.8, phone: 0.95, email: 0.15 },
  hotline: { anonymous: 0.05, name: 0.85, phone: 1, email: 0 },
  api: { anonymous: 0.5, name: 0.5, phone: 0.7, email: 0.3 },
  sensor: { anonymous: 0, name: 0, phone: 0, email: 0 },
  grid_patrol: { anonymous: 0, name: 0, phone: 0, email: 0 },
  law_enforcement: { anonymous: 0, name: 0, phone: 0, email: 0 },
};

// ——— Small helpers ———

function pick<T>(rng: Rng, list: readonly T[]): T {
  return list[Math.floor(rng() * list.length)]!;
}

function weighted<T>(rng: Rng, items: ReadonlyArray<readonly [T, number]>): T {
  let total = 0;
  for (const [, w] of items) total += w;
  let x = rng() * total;
  for (const [item, w] of items) {
    x -= w;
    if (x < 0) return item;
  }
  return items[items.length - 1]![0];
}

function uniform(rng: Rng, min: number, max: number): number {
  return min + (max - min) * rng();
}

function expo(rng: Rng, mean: number): number {
  return -Math.log(1 - rng()) * mean;
}

/** Instants in the history are whole seconds: tidy to read, and never earlier than asked for. */
function ceilSecond(ms: number): number {
  return Math.ceil(ms / SECOND) * SECOND;
}

/** A binary search over a cumulative weight table: the first index whose running total exceeds `x`. */
function searchCumulative(cum: Float64Array, x: number): number {
  let lo = 0;
  let hi = cum.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (cum[mid]! > x) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/**
 * A UUID in version 7 layout (RFC 9562): the instant in the first 48 bits, `seq` in the 12-bit rand_a field and 62
 * seeded random bits. Ids sort by time like the application's own, and rows of one case written at the same instant
 * (a rating and the reopening it causes) keep their order through `seq`.
 */
function uuid7(ms: number, seq: number, rng: Rng): string {
  const word = (): number => Math.floor(rng() * 0x1_0000_0000);
  const ts = Math.max(0, Math.floor(ms)).toString(16).padStart(12, '0').slice(-12);
  const a = (seq & 0xfff).toString(16).padStart(3, '0');
  const b = ((word() & 0x3fff) | 0x8000).toString(16).padStart(4, '0');
  const c = word().toString(16).padStart(8, '0') + (word() & 0xffff).toString(16).padStart(4, '0');
  return `${ts.slice(0, 8)}-${ts.slice(8, 12)}-7${a}-${b}-${c}`;
}

/** Local days, hours and years in the configured zone, the way the working calendar reads them. */
class Zone {
  private readonly offsets: ZoneOffsets;

  constructor(readonly timezone: string) {
    this.offsets = new ZoneOffsets(timezone);
  }

  offsetAt(t: number): number {
    return this.offsets.offsetAt(t);
  }

  /** Days since 1970-01-01 of the local date. */
  dayOf(t: number): number {
    return Math.floor((t + this.offsetAt(t)) / DAY);
  }

  hourOf(t: number): number {
    return Math.floor((((t + this.offsetAt(t)) % DAY) + DAY) % DAY / HOUR);
  }

  /** The instant the local wall clock shows `minuteOfDay` on local day `day`. */
  instantOf(day: number, minuteOfDay: number): number {
    const wall = day * DAY + minuteOfDay * MINUTE;
    const first = wall - this.offsetAt(wall);
    const second = wall - this.offsetAt(first);
    return second;
  }

  isoDate(t: number): string {
    return new Date(this.dayOf(t) * DAY).toISOString().slice(0, 10);
  }

  year(t: number): number {
    return new Date(this.dayOf(t) * DAY).getUTCFullYear();
  }

  month(t: number): number {
    return new Date(this.dayOf(t) * DAY).getUTCMonth() + 1;
  }
}

// ——— The demo's territory, departments and categories, as the stories need them ———

interface DepartmentInfo {
  id: string;
  code: string;
  kind: string;
  path: string;
}

interface DistrictInfo {
  id: string;
  code: string;
  path: string;
  departments: DepartmentInfo[];
}

interface GridInfo {
  index: number;
  id: string;
  code: string;
  path: string;
  areaM2: number;
  communityId: string | null;
  communityName: string;
  streetId: string | null;
  streetName: string;
  district: DistrictInfo;
  /** The nearest grid of another district: where a case transferred away from this grid lands. */
  foreign: GridInfo | null;
}

interface RoutingRule {
  categoryCode: string | null;
  path: string;
  departmentId: string;
}

interface Context {
  seed: number;
  asOf: number;
  cal: WorkingCalendar;
  zone: Zone;
  categories: Category[];
  grids: GridInfo[];
  districts: DistrictInfo[];
  allDepartments: DepartmentInfo[];
  rules: RoutingRule[];
}

function within(path: string, ancestor: string): boolean {
  return path === ancestor || path.startsWith(`${ancestor}.`);
}

/** The routing rules' suggestion at intake, as the case service makes it: the deepest rule, then the category's kind. */
function suggestDepartment(ctx: Context, path: string, category: Category, district: DistrictInfo): string | null {
  let best: RoutingRule | null = null;
  for (const r of ctx.rules) {
    if (!within(path, r.path) || (r.categoryCode !== null && r.categoryCode !== category.code)) continue;
    const depth = r.path.split('.').length;
    const bestDepth = best ? best.path.split('.').length : -1;
    if (!best || depth > bestDepth || (depth === bestDepth && best.categoryCode === null && r.categoryCode !== null)) best = r;
  }
  if (best) return best.departmentId;
  const byKind = district.departments
    .filter((d) => d.kind === category.defaultDepartmentKind && within(path, d.path))
    .sort((a, b) => b.path.split('.').length - a.path.split('.').length);
  return byKind[0]?.id ?? null;
}

/** Where the dispatcher sends a case: the suggestion, else the district's unit of the kind or of its fallback kind. */
function dispatchTarget(ctx: Context, district: DistrictInfo, category: Category, suggested: string | null, rng: Rng, not: string | null): string {
  if (suggested && suggested !== not) return suggested;
  const pool = district.departments.length > 0 ? district.departments : ctx.allDepartments;
  const kinds = [category.defaultDepartmentKind, FALLBACK_KIND[category.defaultDepartmentKind]];
  for (const kind of kinds) {
    const found = pool.filter((d) => d.kind === kind && d.id !== not);
    if (found.length) return pick(rng, found).id;
  }
  const any = pool.filter((d) => d.id !== not);
  return (any.length ? pick(rng, any) : pool[0]!).id;
}

async function loadContext(db: Database, seed: number, asOf: number, timezone: string): Promise<Context> {
  return db.run(systemCaller('seed'), async (trx) => {
    const ref = await loadReferenceData(trx, timezone);
    const { rows: nodes } = await sql<{
      id: string;
      parentId: string | null;
      level: string;
      code: string;
      name: string;
      path: string;
      areaM2: number | null;
    }>`select id, parent_id as "parentId", level, code, name_zh_hans as name, path::text as path, area_m2 as "areaM2"
      from jurisdiction where valid_to is null order by code`.execute(trx);
    const { rows: departments } = await sql<DepartmentInfo>`select id, code, kind, path::text as path from department
      order by code`.execute(trx);
    const { rows: rules } = await sql<RoutingRule>`select category_code as "categoryCode", path::text as path,
      department_id as "departmentId" from routing_rule order by id`.execute(trx);

    const byId = new Map(nodes.map((n) => [n.id, n]));
    const districts = new Map<string, DistrictInfo>();
    for (const n of nodes) {
      if (n.level !== 'district') continue;
      districts.set(n.id, { id: n.id, code: n.code, path: n.path, departments: departments.filter((d) => within(n.path, d.path)) });
    }
    const grids: GridInfo[] = [];
    for (const n of nodes) {
      if (n.level !== 'grid') continue;
      const chain: typeof nodes = [];
      for (let p = n.parentId ? byId.get(n.parentId) : undefined; p; p = p.parentId ? byId.get(p.parentId) : undefined) chain.push(p);
      const community = chain.find((c) => c.level === 'community');
      const street = chain.find((c) => c.level === 'street');
      const district = districts.get(chain.find((c) => c.level === 'district')?.id ?? '');
      // A grid outside any district cannot be numbered (the number starts with the district code): leave it out.
      if (!district) continue;
      grids.push({
        index: grids.length,
        id: n.id,
        code: n.code,
        path: n.path,
        areaM2: n.areaM2 ?? 0,
        communityId: community?.id ?? null,
        communityName: community?.name ?? '',
        streetId: street?.id ?? null,
        streetName: street?.name ?? '',
        district,
        foreign: null,
      });
    }
    if (districts.size > 1 && grids.length > 0) {
      // Transfers go to the neighbouring district: the nearest grid across the border from each grid.
      const { rows: near } = await sql<{ id: string; foreignId: string | null }>`
        select g.id, (select g2.id from jurisdiction g2
            where g2.level = 'grid' and g2.valid_to is null and not (g2.path <@ d.path)
            order by g2.geom <-> g.geom, g2.code limit 1) as "foreignId"
        from jurisdiction g join jurisdiction d on d.level = 'district' and d.valid_to is null and d.path @> g.path
        where g.level = 'grid' and g.valid_to is null`.execute(trx);
      const gridById = new Map(grids.map((g) => [g.id, g]));
      for (const r of near) {
        const g = gridById.get(r.id);
        if (g && r.foreignId) g.foreign = gridById.get(r.foreignId) ?? null;
      }
    }
    return {
      seed,
      asOf,
      cal: ref.calendar,
      zone: new Zone(timezone),
      categories: [...ref.categories.values()].sort((a, b) => (a.code < b.code ? -1 : 1)),
      grids,
      districts: [...districts.values()],
      allDepartments: departments,
      rules,
    };
  });
}

// ——— The plan: who reports what, where and when, and how it ends ———

interface Entry {
  /** Seeds every stream of the case: `c{index}`, or `c{index}:linked` for the case a transfer opens. */
  key: string;
  index: number;
  id: string;
  channel: Channel;
  category: Category;
  reportedAt: number;
  grid: GridInfo;
  fate: Fate;
  /** Where a void, transfer or backlog fate strikes. */
  fateState: CaseState | null;
  troubled: boolean;
  primary: Entry | null;
  linked: { from: Entry; story: Story } | null;
  serial: number;
  lng: number;
  lat: number;
  /** A merged case copies its primary's point, a linked case its origin's. */
  ownPoint: boolean;
}

/** Open states a backlog case may be stuck in, by the channel that brought it (a patrol report starts confirmed). */
function reachable(channel: Channel, states: readonly CaseState[]): CaseState[] {
  const first = intake(channel, { gridId: null, districtId: null, departmentId: null, reporterMayVerify: false, afterPhotoRequired: true })
    .snapshot.state;
  return states.filter((s) => OPEN_STATES.indexOf(s) >= OPEN_STATES.indexOf(first));
}

/** Report slots: every local hour of the window with its weight per channel. */
interface Slots {
  starts: Float64Array;
  ends: Float64Array;
  cum: Map<Channel, Float64Array>;
}

function buildSlots(ctx: Context): Slots {
  const lastDay = ctx.zone.dayOf(ctx.asOf);
  const firstDay = lastDay - HISTORY_DAYS + 1;
  const n = HISTORY_DAYS * 24;
  const starts = new Float64Array(n);
  const ends = new Float64Array(n);
  const offDay: boolean[] = [];
  for (let d = 0; d < HISTORY_DAYS; d++) {
    const day = firstDay + d;
    offDay.push(!ctx.cal.isWorkingDay(new Date(ctx.zone.instantOf(day, 12 * 60))));
    for (let h = 0; h < 24; h++) {
      starts[d * 24 + h] = ctx.zone.instantOf(day, h * 60);
      ends[d * 24 + h] = h === 23 ? ctx.zone.instantOf(day + 1, 0) : ctx.zone.instantOf(day, (h + 1) * 60);
    }
  }
  const cum = new Map<Channel, Float64Array>();
  for (const [channel] of CHANNEL_WEIGHTS) {
    const table = new Float64Array(n);
    let total = 0;
    for (let i = 0; i < n; i++) {
      const d = Math.floor(i / 24);
      const start = starts[i]!;
      const end = Math.min(ends[i]!, ctx.asOf);
      const share = end > start ? (end - start) / (ends[i]! - start) : 0;
      // A slow rise over the window: the service gets known, people report more.
      const trend = 0.9 + (0.2 * d) / HISTORY_DAYS;
      const w = HOUR_WEIGHTS[channel][i % 24]! * (offDay[d] ? OFF_DAY_FACTOR[channel] : 1) * trend * share;
      total += w;
      table[i] = total;
    }
    cum.set(channel, table);
  }
  return { starts, ends, cum };
}

function sampleTime(ctx: Context, slots: Slots, channel: Channel, rng: Rng, recent: boolean): number {
  const cum = slots.cum.get(channel)!;
  const total = cum[cum.length - 1]!;
  for (let attempt = 0; ; attempt++) {
    const i = searchCumulative(cum, rng() * total);
    const start = slots.starts[i]!;
    const end = Math.min(slots.ends[i]!, ctx.asOf);
    const t = Math.floor((start + rng() * (end - start)) / SECOND) * SECOND;
    // Backlog cases are mostly recent: old ones get cleared, the last weeks' pile up.
    const ageDays = (ctx.asOf - t) / DAY;
    if (!recent || attempt >= 200 || rng() < Math.exp(-ageDays / 20)) return Math.min(t, ctx.asOf - SECOND);
  }
}

function plan(ctx: Context, count: number): Entry[] {
  const slots = buildSlots(ctx);
  const transfers = ctx.grids.some((g) => g.foreign !== null);
  // Some grids are busier than others (a market street, a school gate): a fixed activity per grid from the seed.
  const gridCum = new Float64Array(ctx.grids.length);
  let gridTotal = 0;
  for (const g of ctx.grids) {
    const r = rngFor(ctx.seed, `history:grid:${g.code}`);
    const normal = Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
    // The demo grid worker's grid (the first grid of the first community) is a busy market street, so that the
    // `gridworker` account finds cases to confirm and verify in its inbox.
    const demoGrid = g.code.endsWith('001001001') ? 15 : 1;
    gridTotal += Math.max(g.areaM2, 1) * Math.exp(0.6 * normal) * demoGrid;
    gridCum[g.index] = gridTotal;
  }
  let backlogs = 0;
  const entries: Entry[] = [];
  for (let i = 0; i < count; i++) {
    const rng = rngFor(ctx.seed, `history:plan:c${i}`);
    let channel = weighted(rng, CHANNEL_WEIGHTS);
    const others = fateWeights(channel, transfers);
    const fate = weighted(rng, [['normal', 100 - others.reduce((t, [, w]) => t + w, 0)] as const, ...others]);
    let fateState: CaseState | null = null;
    if (fate === 'backlog') {
      // Stuck states in turn, so that every open state has its backlog however few cases are asked for.
      const stuck = BACKLOG_CYCLE[backlogs++ % BACKLOG_CYCLE.length]!;
      fateState = stuck;
      if (!reachable(channel, OPEN_STATES).includes(stuck)) {
        channel = weighted(rng, CHANNEL_WEIGHTS.filter(([c]) => reachable(c, OPEN_STATES).includes(stuck)));
      }
    } else if (fate === 'void') {
      fateState = pick(rng, reachable(channel, ['reported', 'accepted', 'confirmed', 'registered', 'dispatched', 'handling']));
    } else if (fate === 'transfer') {
      fateState = pick(rng, reachable(channel, ['accepted', 'confirmed', 'registered']));
    }
    const reportedAt = sampleTime(ctx, slots, channel, rng, fate === 'backlog');
    const month = ctx.zone.month(reportedAt);
    const candidates = ctx.categories.map((c) => [c, categoryWeight(c, channel, month)] as const).filter(([, w]) => w > 0);
    const category = candidates.length ? weighted(rng, candidates) : pick(rng, ctx.categories);
    const grid = ctx.grids[searchCumulative(gridCum, rng() * gridTotal)]!;
    entries.push({
      key: `c${i}`,
      index: i,
      id: uuid7(reportedAt, 0, rngFor(ctx.seed, `history:id:c${i}`)),
      channel,
      category,
      reportedAt,
      grid,
      // A grid with no neighbouring district has nowhere to transfer to: such a case is handled at home.
      fate: fate === 'transfer' && !grid.foreign ? 'normal' : fate,
      fateState: fate === 'transfer' && !grid.foreign ? null : fateState,
      troubled: rng() < TROUBLED_P,
      primary: null,
      linked: null,
      serial: 0,
      lng: 0,
      lat: 0,
      ownPoint: true,
    });
  }
  assignPrimaries(entries);
  return entries;
}

/**
 * A duplicate joins an earlier live case of its category: one that is handled or still open, never one that ends
 * rejected, merged, voided or transferred; the latest reported within the category's duplicate window before it, else
 * within a week (the same pile of rubbish reported again). A duplicate with no such case becomes an ordinary case.
 */
function assignPrimaries(entries: Entry[]): void {
  const byTime = [...entries].sort((a, b) => a.reportedAt - b.reportedAt || a.index - b.index);
  const live = new Map<string, Entry[]>();
  for (const e of byTime) {
    if (e.fate === 'merge') {
      const list = live.get(e.category.code) ?? [];
      const earlier = list.filter((p) => p.reportedAt < e.reportedAt);
      const windowStart = e.reportedAt - e.category.duplicateWindowMinutes * MINUTE;
      const primary =
        earlier.filter((p) => p.reportedAt >= windowStart).at(-1) ??
        earlier.filter((p) => p.reportedAt >= e.reportedAt - 7 * DAY).at(-1) ??
        null;
      if (primary) {
        e.primary = primary;
        e.grid = primary.grid;
        e.ownPoint = false;
      } else e.fate = 'normal';
    }
    if (e.fate === 'normal' || e.fate === 'backlog') {
      const list = live.get(e.category.code) ?? [];
      list.push(e);
      // Only the last ones are ever chosen; a short list keeps the search cheap.
      if (list.length > 64) list.shift();
      live.set(e.category.code, list);
    }
  }
}

// ——— A case's story ———

interface ClockRec {
  id: string;
  stage: string;
  base: TimeBase;
  limitMinutes: number;
  startedAt: Date;
  stoppedAt: Date | null;
  pauses: ClockPause[];
  deadlineAt: Date | null;
  yellowAt: Date | null;
  overdueAt: Date | null;
  escalations: number;
}

interface EventRec {
  id: string;
  at: Date;
  role: string;
  action: string;
  from: CaseState | null;
  to: CaseState;
  reason: string | null;
  note: string | null;
  details: Record<string, unknown> | null;
}

/** The case row's columns that actions change, named as the case service's updates name them. */
type RowState = Omit<
  CaseRow,
  | 'id'
  | 'number'
  | 'channel'
  | 'description'
  | 'address'
  | 'lat'
  | 'lng'
  | 'attributes'
  | 'reporterNameEnc'
  | 'reporterPhoneEnc'
  | 'reporterEmailEnc'
  | 'anonymous'
  | 'clientKey'
  | 'supporters'
  | 'state'
> & {
  state: CaseState;
  acceptedAt: Date | null;
  registeredAt: Date | null;
  dispatchedAt: Date | null;
  handledAt: Date | null;
};

interface Said {
  reason?: string;
  note?: string;
  details?: Record<string, unknown>;
}

/**
 * One case from its report to the reference date. `act` runs the SLA sweeper up to the action's time, asks the
 * workflow, and applies the decision to the snapshot, the clocks and the row the way CaseService.applyAction and
 * applyClockEffects do; an action after the reference date is not taken, and the story ends there.
 */
class Story {
  readonly events: EventRec[] = [];
  readonly clocks: ClockRec[] = [];
  readonly row: RowState;
  snap: CaseSnapshot;
  category: Category;
  /** Time of the last event, ms. */
  now: number;
  stopped = false;
  /** Set when a transfer happened: when, and the linked case's id. */
  transfer: { at: number; linkedId: string; priority: Priority } | null = null;
  /** Merges into this case by duplicates, applied by the plan once their stories are known. */
  mergedIn: number[] = [];
  private fateDone = false;
  private supervision: number | null = null;
  private readonly lateP: number;
  private readonly rng: Rng;
  private readonly idRng: Rng;

  constructor(
    private readonly ctx: Context,
    readonly entry: Entry,
  ) {
    this.rng = rngFor(ctx.seed, `history:story:${entry.key}`);
    this.idRng = rngFor(ctx.seed, `history:ids:${entry.key}`);
    this.lateP = entry.troubled ? TROUBLED_LATE_P : LATE_P;
    this.category = entry.category;
    const linked = entry.linked;
    // A linked case's grid is the one it will be placed in; until then it lies in that grid's district only.
    const district = entry.grid.district;
    const start = intake(entry.channel, {
      gridId: linked ? null : entry.grid.id,
      districtId: district.id,
      departmentId: null,
      reporterMayVerify: entry.category.reporterMayVerify,
      afterPhotoRequired: entry.category.afterPhotoRequired,
    });
    // A linked case opens `accepted` in the other district's triage queue, whatever channel first brought it.
    this.snap = linked ? { ...start.snapshot, state: 'accepted' } : start.snapshot;
    this.now = entry.reportedAt;
    const reported = new Date(entry.reportedAt);
    const suggested = linked ? null : suggestDepartment(ctx, entry.grid.path, entry.category, district);
    this.row = {
      state: this.snap.state,
      categoryCode: entry.category.code,
      priority: linked ? linked.story.transfer!.priority : 'normal',
      districtId: district.id,
      streetId: linked ? null : entry.grid.streetId,
      communityId: linked ? null : entry.grid.communityId,
      gridId: linked ? null : entry.grid.id,
      path: linked ? district.path : entry.grid.path,
      triage: linked ? true : suggested === null,
      parked: false,
      parkRequested: false,
      parkReviewDate: null,
      extensionRequested: false,
      requestedDeadline: null,
      extended: false,
      escalationLevel: 0,
      supervised: false,
      superviseDue: null,
      reworkCount: 0,
      departmentId: null,
      suggestedDepartmentId: suggested,
      primaryCaseId: null,
      linkedCaseId: linked ? linked.from.id : null,
      deadlineAt: null,
      stage: null,
      stageYellowAt: null,
      stageDeadlineAt: null,
      rating: null,
      fixed: null,
      ratedAt: null,
      callbackPending: false,
      callbackAnswer: null,
      reportedAt: reported,
      acceptedAt: this.snap.state === 'reported' ? null : reported,
      registeredAt: null,
      dispatchedAt: null,
      handledAt: null,
      closedAt: null,
      updatedAt: reported,
      version: 0,
    };
    this.events.push({
      id: this.nextEventId(entry.reportedAt),
      at: reported,
      role: linked ? 'system' : INTAKE_ROLE[entry.channel],
      action: 'intake',
      from: null,
      to: this.snap.state,
      reason: null,
      note: null,
      details: linked
        ? { transferredFrom: linked.from.id }
        : { channel: entry.channel, triage: this.row.triage, photos: 0 },
    });
    this.applyClocks(
      linked ? [{ kind: 'start_case_clock' }, { kind: 'start_clock', stage: 'confirm' }] : start.effects,
      reported,
      undefined,
    );
  }

  // ——— time ———

  private get base(): TimeBase {
    return this.category.timeBase;
  }

  private maybe(p: number): boolean {
    return this.rng() < p;
  }

  /** A share of a stage's limit: mostly well within, sometimes past it, now and then far past it. */
  private frac(lateP = this.lateP): number {
    if (this.rng() >= lateP) return 0.08 + 0.85 * this.rng() ** 1.4;
    const over = this.rng() < 0.06 ? uniform(this.rng, 1.5, 6) : expo(this.rng, 0.45);
    return 1.02 + over;
  }

  /** `min`–`max` minutes after the last event, in the category's time base (working time for most). */
  private later(min: number, max: number, from = this.now): number {
    return ceilSecond(this.ctx.cal.addMinutes(this.base, new Date(from), uniform(this.rng, min, max)).getTime());
  }

  /** A reporter acts in natural time, and not in the small hours. */
  private reporterLater(meanMinutes: number, from = this.now): number {
    let t = from + Math.max(10, expo(this.rng, meanMinutes)) * MINUTE;
    const hour = this.ctx.zone.hourOf(t);
    if (hour < 7) t += (7 - hour) * HOUR + uniform(this.rng, 0, 90) * MINUTE;
    return ceilSecond(t);
  }

  private runningStage(): ClockRec | null {
    let found: ClockRec | null = null;
    for (const c of this.clocks) {
      if (c.stoppedAt === null && c.stage !== CASE_CLOCK && (!found || c.startedAt >= found.startedAt)) found = c;
    }
    return found;
  }

  /** When the running stage clock will have used `share` of its limit, but at least a minute after the last event. */
  private stageTime(share: number): number {
    const earliest = this.later(1, 4);
    const clock = this.runningStage();
    if (!clock) return earliest;
    const limitMinutes = Math.max(1, Math.round(clock.limitMinutes * share));
    const due = deadlineOf(this.ctx.cal, { ...clock, limitMinutes }, new Date(this.now));
    return due ? Math.max(ceilSecond(due.getTime()), earliest) : earliest;
  }

  // ——— ids ———

  private nextEventId(at: number): string {
    return uuid7(at, this.events.length, this.idRng);
  }

  // ——— the sweeper ———

  /**
   * What the SLA sweeper (every 30 s) did before `until`: each time the running stage clock passes another multiple
   * of its limit it marks the clock overdue and escalates the case, up to the district; leaders chase some of the
   * twice-escalated cases.
   */
  private sweep(until: number): void {
    for (;;) {
      const clock = this.row.parked ? null : this.runningStage();
      let crossing: number | null = null;
      if (clock) {
        const k = clock.escalations + 1;
        const due = deadlineOf(this.ctx.cal, { ...clock, limitMinutes: clock.limitMinutes * k }, new Date(this.now));
        // The sweeper's next run after the limit passed, and after whatever happened since: never before the last event.
        if (due) crossing = ceilSecond(Math.max(due.getTime(), this.now) + uniform(this.rng, 1, 30) * SECOND);
      }
      if (this.supervision !== null && this.supervision < until && (crossing === null || this.supervision <= crossing)) {
        const at = Math.max(this.supervision, this.now + SECOND);
        this.supervision = null;
        if (decideAs(this.snap, 'supervise', 'leader', new Date(at)).ok) {
          const due = this.ctx.zone.isoDate(this.ctx.cal.addMinutes('working', new Date(at), 3 * WORKING_DAY_MINUTES).getTime());
          const note = pick(this.rng, NOTES.supervise);
          this.apply('supervise', 'leader', at, { note, dueDate: new Date(`${due}T00:00:00Z`) }, { note });
        }
        continue;
      }
      if (!clock || crossing === null || crossing >= until) return;
      clock.overdueAt ??= new Date(crossing);
      clock.escalations += 1;
      if (decideAs(this.snap, 'escalate', 'system', new Date(crossing)).ok) {
        this.apply('escalate', 'system', crossing, {}, { reason: `${clock.stage} clock past its limit` });
        if (this.row.escalationLevel === 2 && !this.row.supervised && this.supervision === null && this.maybe(SUPERVISE_P)) {
          this.supervision = this.later(20, 240, crossing);
        }
      }
    }
  }

  // ——— acting ———

  /** Takes an action at `at` unless that is past the reference date; false once the story has ended. */
  act(action: CaseAction, by: Performer, at: number, input: ActionInput = {}, said: Said = {}, sameInstant = false): boolean {
    if (this.stopped) return false;
    const when = sameInstant ? at : Math.max(at, this.now + SECOND);
    this.sweep(Math.min(when, this.ctx.asOf + 1));
    if (when > this.ctx.asOf) {
      this.stopped = true;
      return false;
    }
    this.apply(action, by, when, input, said);
    return true;
  }

  /** Ends the story at the reference date: the sweeper's work up to then. */
  finish(): void {
    this.sweep(this.ctx.asOf + 1);
    this.stopped = true;
  }

  private apply(action: CaseAction, by: Performer, at: number, input: ActionInput, said: Said): void {
    const now = new Date(at);
    const decision = decideAs(this.snap, action, by, now);
    if (!decision.ok) {
      throw new Error(`history: ${this.entry.key} ${action} by ${by} refused in ${this.snap.state} (${decision.reason})`);
    }
    const from = this.snap.state;
    const to = decision.to;
    const r = this.row;
    let newDeadline: Date | undefined;
    for (const e of decision.effects) {
      switch (e.kind) {
        case 'rework_plus_one':
          r.reworkCount += 1;
          break;
        case 'escalation_plus_one':
          r.escalationLevel += 1;
          break;
        case 'flag_supervised':
          r.supervised = true;
          r.superviseDue = input.dueDate ? input.dueDate.toISOString().slice(0, 10) : null;
          break;
        case 'set_parked':
          r.parked = e.value;
          break;
        case 'set_park_requested':
          r.parkRequested = e.value;
          if (e.value) r.parkReviewDate = input.reviewDate ? input.reviewDate.toISOString().slice(0, 10) : null;
          break;
        case 'set_extension_requested':
          r.extensionRequested = e.value;
          if (e.value) r.requestedDeadline = input.newDeadline ?? null;
          break;
        case 'set_category_and_priority':
          r.priority = input.priority ?? r.priority;
          r.registeredAt = now;
          break;
        case 'apply_new_deadline':
          r.deadlineAt = r.requestedDeadline;
          r.extended = true;
          newDeadline = input.newDeadline ?? r.requestedDeadline ?? undefined;
          break;
        case 'set_department':
          r.departmentId = input.departmentId ?? null;
          r.triage = false;
          r.dispatchedAt = now;
          break;
        case 'clear_department':
          r.departmentId = null;
          break;
        case 'set_grid': {
          const grid = this.entry.grid;
          r.gridId = grid.id;
          r.communityId = grid.communityId;
          r.streetId = grid.streetId;
          r.path = grid.path;
          r.triage = false;
          break;
        }
        case 'record_rating':
          r.rating = input.rating ?? null;
          r.fixed = input.fixed ?? null;
          r.ratedAt = now;
          break;
        case 'create_callback_task':
          r.callbackPending = true;
          break;
        case 'complete_callback_task':
          r.callbackPending = false;
          r.callbackAnswer = input.callerAnswer ?? null;
          break;
        case 'cancel_callback_task':
          r.callbackPending = false;
          break;
        case 'point_to_primary':
          r.primaryCaseId = input.primaryCaseId ?? null;
          break;
        case 'open_linked_case':
          r.linkedCaseId = this.transfer?.linkedId ?? null;
          break;
        default:
          break;
      }
    }
    if (to === 'accepted' && from === 'reported') r.acceptedAt = now;
    if (to === 'handled') r.handledAt = now;
    if (to === 'closed' && from !== 'closed') r.closedAt = now;
    r.state = to;
    r.updatedAt = now;
    r.version += 1;
    this.snap = nextSnapshot(this.snap, decision, input, now);
    this.events.push({
      id: this.nextEventId(at),
      at: now,
      role: by,
      action,
      from,
      to,
      reason: said.reason ?? null,
      note: said.note ?? null,
      details: said.details && Object.keys(said.details).length ? said.details : null,
    });
    this.applyClocks(decision.effects, now, newDeadline);
    if (action === 'register' || action === 'dispatch' || action === 'reassign') {
      // The handle deadline people see: the running handle clock's, or the running stage's (CaseService does the same).
      if (!r.extended) {
        const handle = this.clocks.filter((c) => c.stage === 'handle' && c.stoppedAt === null).sort((a, b) => +b.startedAt - +a.startedAt)[0];
        r.deadlineAt = handle?.deadlineAt ?? r.stageDeadlineAt;
      }
    }
    this.now = at;
  }

  /** applyClockEffects of clocks.ts, in memory: the same rows, marks and pauses. */
  private applyClocks(effects: readonly Effect[], now: Date, newDeadline: Date | undefined): void {
    const cal = this.ctx.cal;
    const start = (stage: string, limitMinutes: number): void => {
      const c: ClockRec = {
        id: uuid7(now.getTime(), this.clocks.length, this.idRng),
        stage,
        base: this.category.timeBase,
        limitMinutes,
        startedAt: now,
        stoppedAt: null,
        pauses: [],
        deadlineAt: null,
        yellowAt: null,
        overdueAt: null,
        escalations: 0,
      };
      const m = marks(cal, c, now);
      c.deadlineAt = m.deadlineAt;
      c.yellowAt = m.yellowAt;
      this.clocks.push(c);
    };
    const remark = (c: ClockRec): void => {
      const m = marks(cal, c, now);
      c.deadlineAt = m.deadlineAt;
      c.yellowAt = m.yellowAt;
    };
    for (const e of effects) {
      const running = this.clocks.filter((c) => c.stoppedAt === null);
      switch (e.kind) {
        case 'start_clock':
          start(e.stage, stageLimit(this.category, e.stage, this.row.priority));
          break;
        case 'start_case_clock':
          start(CASE_CLOCK, caseLimit(this.category, this.row.priority));
          break;
        case 'stop_clock':
        case 'stop_case_clock': {
          const stage = e.kind === 'stop_clock' ? e.stage : CASE_CLOCK;
          for (const c of running.filter((k) => k.stage === stage)) {
            c.pauses = c.pauses.map((p) => (p.to ? p : { ...p, to: now }));
            c.stoppedAt = now;
          }
          break;
        }
        case 'resume_case_clock': {
          const last = this.clocks.filter((c) => c.stage === CASE_CLOCK).at(-1);
          if (last?.stoppedAt) {
            last.pauses = [...last.pauses, { from: last.stoppedAt, to: now }];
            last.stoppedAt = null;
            remark(last);
          }
          break;
        }
        case 'pause_clocks':
          for (const c of running) {
            if (!c.pauses.some((p) => p.to === null)) {
              c.pauses = [...c.pauses, { from: now, to: null }];
              remark(c);
            }
          }
          break;
        case 'resume_clocks':
          for (const c of running) {
            c.pauses = c.pauses.map((p) => (p.to ? p : { ...p, to: now }));
            remark(c);
          }
          break;
        case 'apply_new_deadline':
          if (newDeadline) {
            for (const c of running.filter((k) => k.stage === 'handle' || k.stage === 'dispatch' || k.stage === 'register')) {
              // Whole minutes: limit_minutes is an integer column.
              const extra = Math.max(0, Math.round(cal.minutesBetween(c.base, c.deadlineAt ?? now, newDeadline)));
              c.limitMinutes += extra;
              remark(c);
            }
          }
          break;
        default:
          break;
      }
    }
    // mirrorStage: the row shows the running stage clock; a parked case's is paused, so it shows no deadline.
    const stage = this.runningStage();
    this.row.stage = stage?.stage ?? null;
    this.row.stageYellowAt = stage?.yellowAt ?? null;
    this.row.stageDeadlineAt = stage?.deadlineAt ?? null;
  }

  // ——— the script ———

  /** Walks the case from its report to its end or to the reference date, whichever comes first. */
  tell(): this {
    this.run();
    this.finish();
    return this;
  }

  private run(): void {
    const e = this.entry;
    if (e.linked) {
      // The receiving district places the case in one of its grids first.
      const by: Performer = this.maybe(0.5) ? 'shift_lead' : 'intake_clerk';
      const reason = pick(this.rng, REASONS.reroute);
      if (!this.act('reroute', by, this.later(10, 120), { gridId: e.grid.id, reason }, { reason, details: { grid: e.grid.id } })) {
        return;
      }
    }
    if (this.snap.state === 'reported') {
      if (e.fate === 'merge') return void this.merge();
      if (e.fate === 'reject') {
        return void this.act('reject', 'intake_clerk', this.stageTime(this.frac()), {}, { reason: pick(this.rng, REASONS.reject) });
      }
      if (this.terminal('reported')) return;
      if (!this.act('accept', 'intake_clerk', this.stageTime(this.frac()), { duplicatesReviewed: true })) return;
    }
    if (this.snap.state === 'accepted') {
      if (e.fate === 'merge') return void this.merge();
      if (e.fate === 'refute') {
        return void this.act('refute', 'grid_worker', this.stageTime(this.frac()), {}, { reason: pick(this.rng, REASONS.refute) });
      }
      if (this.terminal('accepted')) return;
      if (!this.act('confirm', 'grid_worker', this.stageTime(this.frac()), {}, { note: pick(this.rng, NOTES.confirm) })) return;
    }
    if (this.terminal('confirmed')) return;
    const priority = this.drawPriority();
    if (!this.act('register', 'shift_lead', this.stageTime(this.frac()), { categoryCode: this.category.code, priority }, {
      details: { category: this.category.code, priority },
    })) return;
    if (!this.dispatchRounds()) return;
    this.handleRounds();
  }

  private drawPriority(): Priority {
    const natural = this.category.timeBase === 'natural';
    return weighted(this.rng, [
      ['normal', natural ? 55 : 82],
      ['high', natural ? 30 : 14],
      ['urgent', natural ? 15 : 4],
    ]);
  }

  private merge(): void {
    const primary = this.entry.primary!;
    this.act('merge', 'intake_clerk', this.stageTime(this.frac()), { primaryCaseId: primary.id }, {
      reason: pick(this.rng, REASONS.merge),
      details: { primary: primary.id },
    });
  }

  /** Void, transfer or a stuck backlog, where the plan put it; true when the story ends here. */
  private terminal(state: CaseState): boolean {
    const e = this.entry;
    if (this.fateDone || e.fateState !== state || this.snap.state !== state) return false;
    this.fateDone = true;
    if (e.fate === 'void') {
      this.act('void', 'shift_lead', this.stageTime(this.frac()), {}, { reason: pick(this.rng, REASONS.void) });
      return true;
    }
    if (e.fate === 'transfer' && e.grid.foreign) {
      const at = this.stageTime(this.frac());
      const target = e.grid.foreign.district;
      // The linked case's id is known before it exists, so that both rows can point at each other.
      const linkedId = uuid7(Math.max(at, this.now + SECOND), 0, rngFor(this.ctx.seed, `history:id:${e.key}:linked`));
      this.transfer = { at: Math.max(at, this.now + SECOND), linkedId, priority: this.row.priority };
      if (!this.act('transfer', 'shift_lead', at, { districtId: target.id }, {
        reason: pick(this.rng, REASONS.transfer),
        details: { linkedCase: linkedId },
      })) this.transfer = null;
      return true;
    }
    if (e.fate === 'backlog') {
      // Some stuck cases were parked on purpose (awaiting a campaign or a court), the rest are just late.
      if ((state === 'registered' || state === 'dispatched' || state === 'handling') && this.maybe(0.35)) {
        const asked = this.stageTime(uniform(this.rng, 0.1, 0.6));
        if (!this.requestPark(asked)) return true;
        this.act('approve_park', 'shift_lead', this.later(30, 480));
      }
      return true;
    }
    return false;
  }

  private requestPark(at: number): boolean {
    const review = this.ctx.zone.isoDate(at + uniform(this.rng, 7, 30) * DAY);
    // Whoever last acted on the case asks (only staff on the case may): who registered, dispatched or signed for it.
    const by: Performer = this.snap.state === 'registered' ? 'shift_lead' : this.snap.state === 'dispatched' ? 'dispatcher' : 'department_staff';
    return this.act('request_park', by, at, { reviewDate: new Date(`${review}T00:00:00Z`) }, { reason: pick(this.rng, REASONS.requestPark) });
  }

  /** Dispatch, perhaps a reassignment or a return and a second dispatch, then the department signs for it. */
  private dispatchRounds(): boolean {
    const e = this.entry;
    const district = e.grid.district;
    for (let round = 0; round < 3; round++) {
      if (this.terminal('registered')) return false;
      const department = dispatchTarget(this.ctx, district, this.category, round === 0 ? this.row.suggestedDepartmentId : null, this.rng, null);
      if (!this.act('dispatch', 'dispatcher', this.stageTime(this.frac()), { departmentId: department }, { details: { department } })) {
        return false;
      }
      if (this.maybe(REASSIGN_P)) {
        const other = dispatchTarget(this.ctx, district, this.category, null, this.rng, department);
        if (other !== department) {
          if (!this.act('reassign', 'dispatcher', this.stageTime(this.frac() * 0.2), { departmentId: other }, {
            reason: pick(this.rng, REASONS.reassign),
            details: { department: other },
          })) return false;
        }
      }
      if (round === 0 && this.maybe(RETURN_P)) {
        if (!this.act('return', 'department_staff', this.stageTime(this.frac() * 0.25), {}, { reason: pick(this.rng, REASONS.return) })) {
          return false;
        }
        continue;
      }
      if (this.terminal('dispatched')) return false;
      return this.act('start', 'department_staff', this.stageTime(Math.min(0.3, this.frac() * 0.3)));
    }
    return false;
  }

  /** Handling, verification and closing, again after rework or a reopening; the last round passes and stays closed. */
  private handleRounds(): void {
    const rounds = 4;
    for (let round = 0; round < rounds; round++) {
      const last = round === rounds - 1;
      let extended = false;
      if (round === 0) {
        if (this.maybe(EXTENSION_P)) {
          const r = this.extension();
          if (r === null) return;
          extended = r;
        }
        if (this.maybe(PARK_P) && !this.park()) return;
        if (this.terminal('handling')) return;
      }
      // After an approved extension the unit works to the new deadline; after a denied one it is often late.
      const share = extended ? 0.1 + 0.85 * this.rng() : this.frac();
      if (!this.act('handle', 'department_staff', this.stageTime(Math.max(share, 0.35 * this.rng())), {}, {
        note: pick(this.rng, NOTES.handle),
      })) return;
      if (round === 0 && this.terminal('handled')) return;
      // Reporters check the everyday problems themselves; the urgent (natural-time) ones the grid worker checks at once.
      const byReporter = this.snap.reporterMayVerify && this.base === 'working' && this.entry.channel === 'resident' && this.maybe(0.2);
      const fail = !last && this.maybe(round === 0 ? VERIFY_FAIL_P : 0.15);
      const at = byReporter ? this.reporterLater(45) : this.stageTime(this.frac());
      const by: Performer = byReporter ? 'reporter' : 'grid_worker';
      if (fail) {
        const reason = pick(this.rng, byReporter ? REASONS.reporterFail : REASONS.verifyFail);
        if (!this.act('verify_fail', by, at, {}, { reason })) return;
        continue;
      }
      if (!this.act('verify_pass', by, at, {}, { note: pick(this.rng, byReporter ? NOTES.reporterPass : NOTES.verifyPass) })) return;
      if (round === 0 && this.terminal('verified')) return;
      if (!this.act('close', 'shift_lead', this.stageTime(this.frac()))) return;
      if (!this.afterClose(!last)) return;
    }
  }

  /** Asks for more time; true when approved, false when denied, null when the story ended meanwhile. */
  private extension(): boolean | null {
    const clock = this.runningStage();
    const at = this.stageTime(uniform(this.rng, 0.2, 0.8));
    if (!clock?.deadlineAt) return false;
    const step = this.base === 'working' ? Math.max(clock.limitMinutes, WORKING_DAY_MINUTES) : clock.limitMinutes;
    const extra = step * (1 + Math.floor(this.rng() * 3));
    const newDeadline = new Date(ceilSecond(this.ctx.cal.addMinutes(this.base, clock.deadlineAt, extra).getTime()));
    if (!this.act('request_extension', 'department_staff', at, { newDeadline }, { reason: pick(this.rng, REASONS.requestExtension) })) {
      return null;
    }
    const decided = this.later(30, 300);
    if (this.maybe(EXTENSION_APPROVED_P)) return this.act('approve_extension', 'shift_lead', decided) ? true : null;
    return this.act('deny_extension', 'shift_lead', decided, {}, { reason: pick(this.rng, REASONS.denyExtension) }) ? false : null;
  }

  /** Parked for days to weeks (clocks paused), then taken up again; false when the story ended meanwhile. */
  private park(): boolean {
    if (!this.requestPark(this.stageTime(uniform(this.rng, 0.1, 0.6)))) return false;
    const approved = this.later(30, 480);
    if (!this.act('approve_park', 'shift_lead', approved)) return false;
    const back = this.later(30, 240, approved + uniform(this.rng, 2, 30) * DAY);
    return this.act('unpark', 'shift_lead', back);
  }

  /** The hotline's callback and the reporter's rating; true when the case was reopened. */
  private afterClose(mayReopen: boolean): boolean {
    const closedAt = this.now;
    const callbackAt = this.snap.callbackPending ? this.later(30, 900, closedAt) : null;
    const rates = this.snap.rating === null && this.maybe(RATE_P[this.entry.channel]);
    const rateAt = rates ? this.reporterLater(18 * 60, closedAt) : null;
    const steps: Array<{ at: number; kind: 'callback' | 'rate' }> = [];
    if (callbackAt !== null) steps.push({ at: callbackAt, kind: 'callback' });
    if (rateAt !== null) steps.push({ at: rateAt, kind: 'rate' });
    steps.sort((a, b) => a.at - b.at);
    for (const s of steps) {
      if (s.kind === 'callback') {
        if (!this.snap.callbackPending) continue;
        const answer = weighted(this.rng, CALLER_ANSWERS);
        if (!this.act('callback_done', 'intake_clerk', s.at, { callerAnswer: answer }, { details: { callerAnswer: answer } })) return false;
        continue;
      }
      const rating = weighted(this.rng, this.row.reworkCount > 0 ? RATINGS_AFTER_REWORK : RATINGS);
      // "Not fixed" within a week reopens the case (as the service does); after the last round nobody says so any more.
      const fixed = !mayReopen || rating >= 4 || (rating === 3 ? !this.maybe(0.15) : !this.maybe(0.7));
      if (!this.act('rate', 'reporter', s.at, { rating, fixed }, { details: { rating, fixed } })) return false;
      if (!fixed && mayReopen && decideAs(this.snap, 'reopen', 'system', new Date(this.now)).ok) {
        // Within the window a "not fixed" rating reopens the case at once, in the same transaction as the rating.
        return this.act('reopen', 'system', this.now, { reason: 'rated not fixed by the reporter' }, {
          reason: 'rated not fixed by the reporter',
        }, true);
      }
    }
    if (mayReopen && this.maybe(LEAD_REOPEN_P)) {
      const at = this.later(60, 20 * WORKING_DAY_MINUTES, closedAt);
      if (at > this.now && at - closedAt <= 29 * DAY) {
        return this.act('reopen', 'shift_lead', at, {}, { reason: pick(this.rng, REASONS.reopen) });
      }
    }
    return false;
  }
}

// ——— Rows ———

const CASE_COLUMNS = [
  'id', 'district_id', 'street_id', 'community_id', 'grid_id', 'path', 'number', 'tracking_hash', 'channel',
  'category_code', 'priority', 'state', 'triage', 'parked', 'park_requested', 'park_review_date', 'extension_requested',
  'requested_deadline', 'extended', 'escalation_level', 'supervised', 'supervise_due', 'rework_count', 'department_id',
  'suggested_department_id', 'description', 'address', 'lat', 'lng', 'geom', 'attributes', 'reporter_name_enc',
  'reporter_phone_enc', 'reporter_email_enc', 'reporter_phone_index', 'anonymous', 'client_key', 'primary_case_id',
  'linked_case_id', 'supporters', 'deadline_at', 'stage', 'stage_yellow_at', 'stage_deadline_at', 'rating', 'fixed',
  'rated_at', 'callback_pending', 'callback_answer', 'reported_at', 'accepted_at', 'registered_at', 'dispatched_at',
  'handled_at', 'closed_at', 'updated_at', 'version',
] as const;

const EVENT_COLUMNS = [
  'id', 'case_id', 'district_id', 'at', 'actor', 'actor_role', 'action', 'from_state', 'to_state', 'reason', 'note',
  'details',
] as const;

const CLOCK_COLUMNS = [
  'id', 'case_id', 'district_id', 'stage', 'base', 'limit_minutes', 'started_at', 'stopped_at', 'pauses', 'deadline_at',
  'yellow_at', 'overdue_at', 'escalations',
] as const;

/** The seeder acted in every role; no real account did, and the timeline says so. */
const ACTOR = 'system:seed';

interface Reported {
  description: string;
  address: string | null;
  attributes: Record<string, unknown> | null;
  anonymous: boolean;
  nameEnc: string | null;
  phoneEnc: string | null;
  emailEnc: string | null;
  phoneIndex: string | null;
}

/** What the reporter said and left: text, an address, the category's required fields and contact details. */
function reportOf(entry: Entry, cipher: DataCipher, seed: number): Reported {
  const rng = rngFor(seed, `history:report:${entry.key}`);
  const c = entry.category;
  const texts = DESCRIPTIONS[c.code];
  const description = texts && rng() < 0.7 ? pick(rng, texts) : pick(rng, GENERIC_DESCRIPTIONS).replace('{name}', c.names['zh-Hans']);
  const address = rng() < 0.8 ? `${entry.grid.streetName}${entry.grid.communityName}${1 + Math.floor(rng() * 120)}号附近` : null;
  const filled: Record<string, unknown> = {};
  for (const a of c.attributes ?? []) {
    if (!a.required && rng() < 0.6) continue;
    if (a.values?.length) filled[a.code] = pick(rng, a.values).key;
    // Numbers the demo knows how to make up: a few bins, a flood's depth in centimetres.
    else if (a.code === 'bin_count') filled[a.code] = 1 + Math.floor(rng() * 3);
    else if (a.code === 'depth_cm') filled[a.code] = 10 * (1 + Math.floor(rng() * 6));
  }
  const attributes = Object.keys(filled).length ? filled : null;
  const o = CONTACT_ODDS[entry.channel];
  const anonymous = rng() < o.anonymous;
  let name: string | null = null;
  let phone: string | null = null;
  let email: string | null = null;
  if (!anonymous) {
    if (rng() < o.name) name = pick(rng, SURNAMES) + pick(rng, GIVEN) + (rng() < 0.6 ? pick(rng, GIVEN) : '');
    // Made-up numbers and example.com addresses: nobody real gets called or mailed from a demo.
    if (rng() < o.phone) phone = `1${pick(rng, ['3', '5', '7', '8', '9'])}${String(Math.floor(rng() * 1e9)).padStart(9, '0')}`;
    if (rng() < o.email) email = `resident${Math.floor(rng() * 1e6)}@example.com`;
  }
  return {
    description,
    address,
    attributes,
    anonymous,
    nameEnc: cipher.encrypt(name),
    phoneEnc: cipher.encrypt(phone),
    emailEnc: cipher.encrypt(email),
    phoneIndex: phone ? cipher.blindIndex(phone) : null,
  };
}

function caseRow(entry: Entry, story: Story, report: Reported, number: string, supporters: number): CsvValue[] {
  const r = story.row;
  // openLinkedCase copies no client key: the other district's case is not a device's repeat.
  const clientKey = entry.linked ? null : createHash('sha256').update(`history|${entry.key}`).digest('hex');
  const values: Record<(typeof CASE_COLUMNS)[number], CsvValue> = {
    id: entry.id,
    district_id: r.districtId,
    street_id: r.streetId,
    community_id: r.communityId,
    grid_id: r.gridId,
    path: r.path,
    number,
    tracking_hash: hashTrackingCode(newTrackingCode()),
    channel: entry.channel,
    category_code: r.categoryCode,
    priority: r.priority,
    state: r.state,
    triage: r.triage,
    parked: r.parked,
    park_requested: r.parkRequested,
    park_review_date: r.parkReviewDate,
    extension_requested: r.extensionRequested,
    requested_deadline: r.requestedDeadline,
    extended: r.extended,
    escalation_level: r.escalationLevel,
    supervised: r.supervised,
    supervise_due: r.superviseDue,
    rework_count: r.reworkCount,
    department_id: r.departmentId,
    suggested_department_id: r.suggestedDepartmentId,
    description: report.description,
    address: report.address,
    lat: entry.lat,
    lng: entry.lng,
    geom: `SRID=4326;POINT(${entry.lng} ${entry.lat})`,
    attributes: report.attributes,
    reporter_name_enc: report.nameEnc,
    reporter_phone_enc: report.phoneEnc,
    reporter_email_enc: report.emailEnc,
    reporter_phone_index: report.phoneIndex,
    anonymous: report.anonymous,
    client_key: clientKey,
    primary_case_id: r.primaryCaseId,
    linked_case_id: r.linkedCaseId,
    supporters,
    deadline_at: r.deadlineAt,
    stage: r.stage,
    stage_yellow_at: r.stageYellowAt,
    stage_deadline_at: r.stageDeadlineAt,
    rating: r.rating,
    fixed: r.fixed,
    rated_at: r.ratedAt,
    callback_pending: r.callbackPending,
    callback_answer: r.callbackAnswer,
    reported_at: r.reportedAt,
    accepted_at: r.acceptedAt,
    registered_at: r.registeredAt,
    dispatched_at: r.dispatchedAt,
    handled_at: r.handledAt,
    closed_at: r.closedAt,
    updated_at: new Date(Math.max(+r.updatedAt, ...story.mergedIn)),
    version: r.version + supporters,
  };
  return CASE_COLUMNS.map((c) => values[c]);
}

// ——— Positions and numbers ———

/**
 * Points uniformly inside each grid, drawn by PostGIS (ST_GeneratePoints with a seed) so that they are inside by the
 * same geometry test everything else uses. One statement per chunk of grids.
 */
async function placeEntries(db: Database, ctx: Context, entries: Entry[]): Promise<void> {
  const byGrid = new Map<number, Entry[]>();
  for (const e of entries) {
    if (!e.ownPoint) continue;
    const list = byGrid.get(e.grid.index) ?? [];
    list.push(e);
    byGrid.set(e.grid.index, list);
  }
  const gridIndexes = [...byGrid.keys()].sort((a, b) => a - b);
  const CHUNK = 100;
  for (let i = 0; i < gridIndexes.length; i += CHUNK) {
    const part = gridIndexes.slice(i, i + CHUNK);
    const ids = part.map((g) => ctx.grids[g]!.id);
    const counts = part.map((g) => byGrid.get(g)!.length);
    // ST_GeneratePoints wants a positive seed; one per grid so that each grid's points do not depend on the others.
    const seeds = part.map((g) => 1 + ((Math.imul(ctx.seed, 7919) + g * 104_729) >>> 1) % 2_000_000_000);
    const rows = await db.run(systemCaller('seed'), async (trx) => {
      const { rows: pts } = await sql<{ k: number; x: number; y: number }>`
        select u.k::int as k, st_x(d.geom) as x, st_y(d.geom) as y
        from unnest(${ids}::uuid[], ${counts}::int[], ${seeds}::int[]) with ordinality as u(id, n, s, k)
        join jurisdiction j on j.id = u.id
        cross join lateral st_dump(st_generatepoints(j.geom, u.n, u.s)) as d
        order by u.k, d.path[1]`.execute(trx);
      return pts;
    });
    const got = new Map<number, Array<[number, number]>>();
    for (const r of rows) {
      const list = got.get(r.k) ?? [];
      list.push([Number(r.x), Number(r.y)]);
      got.set(r.k, list);
    }
    part.forEach((g, j) => {
      const list = byGrid.get(g)!.sort((a, b) => a.reportedAt - b.reportedAt || a.index - b.index);
      const pts = got.get(j + 1) ?? [];
      // PGlite can swallow a PostGIS error and return nothing: refuse rather than place cases at (0, 0).
      if (pts.length !== list.length) {
        throw new Error(`history: grid ${ctx.grids[g]!.code} got ${pts.length} of ${list.length} points from ST_GeneratePoints`);
      }
      list.forEach((e, n) => {
        e.lng = pts[n]![0];
        e.lat = pts[n]![1];
      });
    });
  }
  for (const e of entries) {
    if (e.ownPoint) continue;
    const source = e.linked ? e.linked.from : e.primary!;
    e.lng = source.lng;
    e.lat = source.lat;
  }
}

async function takeSerials(db: Database, n: number): Promise<number[]> {
  if (n === 0) return [];
  return db.run(systemCaller('seed'), async (trx) => {
    const { rows } = await sql<{ n: string }>`select nextval('case_serial')::text as n from generate_series(1, ${n}::int)`.execute(trx);
    return rows.map((r) => Number(r.n)).sort((a, b) => a - b);
  });
}

// ——— The seeder ———

async function hasHistory(db: Database): Promise<boolean> {
  return db.runAsOwner('seed', async (trx) => {
    const { rows } = await sql<{ yes: boolean }>`select exists (select 1 from audit_log where action = 'seed.history') as yes`.execute(trx);
    return rows[0]?.yes ?? false;
  });
}

/**
 * Adds the demo history to a database that has the demo city and the reference data (categories, calendar). Refuses
 * (HistoryExistsError) when a history was added before. Writes in batches of short transactions; if one fails, the
 * rows of this run written so far are deleted again.
 */
export async function seedHistory(
  db: Database,
  opts: HistoryOptions,
  onProgress?: (p: HistoryProgress) => void,
): Promise<HistorySummary> {
  const started = Date.now();
  const seed = opts.seed ?? 1;
  if (!Number.isInteger(seed)) throw new Error(`the history seed must be an integer, not ${seed}`);
  const count = opts.cases ?? DEFAULT_HISTORY_CASES;
  if (!Number.isInteger(count) || count < 0) throw new Error(`the number of cases must be a whole number, not ${count}`);
  const asOf = Math.floor((opts.asOf ?? new Date()).getTime() / SECOND) * SECOND;
  if (!Number.isFinite(asOf)) throw new Error('the reference date is not a valid date');
  const batchSize = Math.max(1, opts.batchSize ?? DEFAULT_BATCH);
  if (await hasHistory(db)) throw new HistoryExistsError();

  const ctx = await loadContext(db, seed, asOf, opts.timezone);
  if (ctx.categories.length === 0) throw new Error('history: no categories; run ensureReferenceData first');
  if (ctx.grids.length === 0) throw new Error('history: no grids; seed the demo city first');
  if (ctx.allDepartments.length === 0) throw new Error('history: no departments to dispatch to; seed the demo city first');
  onProgress?.({ step: 'history', done: 0, total: count });

  // The plan, then the stories that others depend on: duplicates (their primaries count them) and transfers (they
  // open linked cases that need numbers in time order).
  const entries = plan(ctx, count);
  const told = new Map<string, Story>();
  const mergesInto = new Map<string, number[]>();
  const linked: Entry[] = [];
  for (const e of entries) {
    if (e.fate !== 'merge' && e.fate !== 'transfer') continue;
    const story = new Story(ctx, e).tell();
    told.set(e.key, story);
    if (e.fate === 'merge' && story.row.state === 'merged') {
      const list = mergesInto.get(e.primary!.key) ?? [];
      list.push(story.now);
      mergesInto.set(e.primary!.key, list);
    }
    if (story.transfer && story.row.state === 'transferred') {
      const target = e.grid.foreign!;
      linked.push({
        ...e,
        key: `${e.key}:linked`,
        id: story.transfer.linkedId,
        reportedAt: story.transfer.at,
        grid: target,
        fate: 'normal',
        fateState: null,
        primary: null,
        linked: { from: e, story },
        ownPoint: false,
      });
    }
  }
  const all = [...entries, ...linked].sort((a, b) => a.reportedAt - b.reportedAt || a.index - b.index || a.key.length - b.key.length);
  onProgress?.({ step: 'history', done: 0, total: all.length });
  const serials = await takeSerials(db, all.length);
  all.forEach((e, i) => {
    e.serial = serials[i]!;
  });
  await placeEntries(db, ctx, all);

  const cipher = new DataCipher(opts.dataKey);
  const originals = new Map<string, Reported>();
  const written: string[] = [];
  const states: Record<string, number> = {};
  let events = 0;
  let clocks = 0;
  try {
    // Build the next batch while the last one is being written: on PostgreSQL the two run side by side.
    let writing: Promise<void> | null = null;
    for (let start = 0; start < all.length; start += batchSize) {
      const batch = all.slice(start, start + batchSize);
      let casesCsv = '';
      let eventsCsv = '';
      let clocksCsv = '';
      for (const [n, e] of batch.entries()) {
        // Let an embedded server answer between stories: the seeder runs in the background of the first start.
        if (n % 250 === 249) await new Promise<void>((resolve) => setImmediate(resolve));
        const story = told.get(e.key) ?? new Story(ctx, e).tell();
        told.delete(e.key);
        const merges = mergesInto.get(e.key) ?? [];
        story.mergedIn = merges;
        // A linked case carries its origin's report as it was, ciphertexts included (as openLinkedCase copies them).
        const report = e.linked ? originals.get(e.linked.from.key)! : reportOf(e, cipher, seed);
        if (e.fate === 'transfer') originals.set(e.key, report);
        const district = ctx.districts.find((d) => d.id === story.row.districtId)!;
        const number = `${district.code}-${ctx.zone.year(e.reportedAt)}-${String(e.serial).padStart(6, '0')}`;
        casesCsv += csvLine(caseRow(e, story, report, number, merges.length));
        for (const ev of story.events) {
          eventsCsv += csvLine([
            ev.id, e.id, story.row.districtId, ev.at, ACTOR, ev.role, ev.action, ev.from, ev.to, ev.reason, ev.note, ev.details,
          ]);
        }
        for (const c of story.clocks) {
          clocksCsv += csvLine([
            c.id, e.id, story.row.districtId, c.stage, c.base, c.limitMinutes, c.startedAt, c.stoppedAt,
            c.pauses.map((p) => ({ from: p.from.toISOString(), to: p.to ? p.to.toISOString() : null })),
            c.deadlineAt, c.yellowAt, c.overdueAt, c.escalations,
          ]);
        }
        states[story.row.state] = (states[story.row.state] ?? 0) + 1;
        events += story.events.length;
        clocks += story.clocks.length;
      }
      if (writing) await writing;
      written.push(...batch.map((e) => e.id));
      const done = start + batch.length;
      writing = copyTables(db, 'seed', [
        { table: 'cases', columns: CASE_COLUMNS, csv: casesCsv },
        { table: 'case_event', columns: EVENT_COLUMNS, csv: eventsCsv },
        { table: 'case_clock', columns: CLOCK_COLUMNS, csv: clocksCsv },
      ]).then(() => onProgress?.({ step: 'history', done, total: all.length }));
      // Handled here so that a failure while the next batch is being built is not reported as unhandled; the await
      // above or below still throws it.
      writing.catch(() => {});
    }
    if (writing) await writing;
    // The rows skipped the workflow's trigger that records whether handling and closing came on time: derive that
    // from the clocks and recompute the command center's rollups from the rows, so the dashboard is right at once.
    await rebuildRollups(db);
    const summary = { cases: all.length, events, clocks, states };
    const firstDay = ctx.zone.instantOf(ctx.zone.dayOf(asOf) - HISTORY_DAYS + 1, 0);
    await db.run(systemCaller('seed'), (trx) =>
      recordAudit(trx, {
        action: 'seed.history',
        objectType: 'cases',
        details: { seed, asOf: new Date(asOf).toISOString(), from: new Date(firstDay).toISOString(), ...summary },
      }),
    );
    return { ...summary, from: new Date(firstDay), asOf: new Date(asOf), ms: Date.now() - started };
  } catch (err) {
    await undo(db, written).catch(() => {
      // The first error is the one worth reporting.
    });
    throw err;
  }
}

/**
 * Deletes what a failed run wrote, by id only. Timelines are append-only (no policy lets anyone delete from
 * case_event), so this runs as the connecting administrative user: a superuser on PGlite and usually on PostgreSQL.
 * If that user may not, the rows stay and the original error is reported.
 */
async function undo(db: Database, caseIds: string[]): Promise<void> {
  if (caseIds.length === 0) return;
  await db.admin.transaction().execute(async (trx) => {
    await sql`select set_config('app.scope_all', 'on', true), set_config('app.actor', 'system:seed', true)`.execute(trx);
    await sql`delete from case_event where case_id = any(${caseIds}::uuid[])`.execute(trx);
    await sql`delete from case_clock where case_id = any(${caseIds}::uuid[])`.execute(trx);
    await sql`delete from cases where id = any(${caseIds}::uuid[])`.execute(trx);
  });
}
