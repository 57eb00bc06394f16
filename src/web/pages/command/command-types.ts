// Shapes of the command center's API answers (src/server/modules/command/, contract of issue 5).
import type { Channel } from '../../case-types.ts';
import type { Names } from '../../types.ts';

export const COMMAND_LEVELS = ['city', 'district', 'street', 'community', 'grid'] as const;
export type CommandLevel = (typeof COMMAND_LEVELS)[number];

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

export interface NodeRef {
  id: string;
  level: CommandLevel;
  code: string;
  name: Names;
}

export interface Indicator {
  key: IndicatorKey;
  numerator: number;
  denominator: number;
  /** numerator / denominator; null when the denominator is 0. */
  value: number | null;
}

export interface ChildSummary {
  node: NodeRef;
  open: number;
  overdue: number;
  /** Reported in the period. */
  intake: number;
  indicators: Indicator[];
}

export interface Tiles {
  intakeToday: { total: number; byChannel: Partial<Record<Channel, number>> };
  open: number;
  overdue: number;
  onTimeClosureRate: Indicator;
  satisfactionRate: Indicator;
}

export interface Summary {
  asOf: string;
  period: { from: string; to: string };
  node: NodeRef;
  /** Root → parent. */
  ancestors: NodeRef[];
  tiles: Tiles;
  indicators: Indicator[];
  children: ChildSummary[];
}

export interface TrendDay {
  date: string;
  intake: number;
  registered: number;
  closed: number;
  overdueOpened?: number;
}

export interface Trend {
  asOf: string;
  days: TrendDay[];
}

/** 0 green, 1 yellow, 2 red, 3 parked. */
export type LightCode = 0 | 1 | 2 | 3;
export type CasePoint = [number, number, number];

export interface Points {
  asOf: string;
  points: CasePoint[];
  ids: string[];
  /** More open cases than the server sends (its MAX_POINTS): the map shows some of them. */
  truncated?: boolean;
}

export interface ShapeProperties {
  id: string;
  level: string;
  code: string;
  name_zh_hant: string;
  name_zh_hans: string;
  name_en: string;
}

export interface Shapes {
  type: 'FeatureCollection';
  features: Array<{ type: 'Feature'; geometry: { type: string; coordinates: unknown }; properties: ShapeProperties }>;
}

export const INDICATOR_GROUPINGS = ['child', 'department', 'role'] as const;
export type IndicatorGrouping = (typeof INDICATOR_GROUPINGS)[number];

export interface IndicatorRow {
  key: { kind: 'node' | 'department' | 'role'; id: string; name: Names };
  indicators: Indicator[];
}

export interface IndicatorTable {
  asOf: string;
  period: { from: string; to: string };
  by: IndicatorGrouping;
  rows: IndicatorRow[];
}

export interface AttenuationLevel {
  level: CommandLevel;
  count: number;
  medianMinutes: number | null;
  p90Minutes: number | null;
  onTimeRate: number | null;
}

export interface Attenuation {
  asOf: string;
  levels: AttenuationLevel[];
  compare?: AttenuationLevel[];
}

export interface ResponsiblePerson {
  role: string;
  name: string;
  userId?: string;
  /** Masked by the server. */
  phone?: string;
}

export interface ResponsibilityLink {
  level: CommandLevel | 'department';
  node?: NodeRef;
  department?: { id: string; code: string; kind: string; name: Names };
  people: ResponsiblePerson[];
  /** The caller administers this link: a PUT replaces its entries. */
  editable: boolean;
}

export interface Responsibility {
  grid: NodeRef;
  /** Grid first, up to the district, then the departments serving the grid. */
  chain: ResponsibilityLink[];
  /** Some phone is shown masked: the caller does not administer every entry that has one. */
  masked: boolean;
}

/** One entry of the chain as an admin edits it: at a node (jurisdictionId) or as a department's head (departmentId). */
export interface ResponsibilityEntry {
  jurisdictionId?: string;
  departmentId?: string;
  role: string;
  userId?: string;
  name?: string;
  phone?: string;
}
