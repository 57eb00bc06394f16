// Shapes of the server's answers that the web app reads (see the API contract in docs).

export const ROLES = [
  'admin',
  'leader',
  'shift_lead',
  'dispatcher',
  'intake_clerk',
  'grid_worker',
  'department_staff',
] as const;
export type Role = (typeof ROLES)[number];

export const LEVELS = ['city', 'district', 'street', 'community', 'grid', 'compound'] as const;
export type Level = (typeof LEVELS)[number];

export interface Names {
  'zh-Hant': string;
  'zh-Hans': string;
  en: string;
}

export interface RoleAssignment {
  role: Role;
  jurisdictionId: string;
  jurisdictionCode: string;
  /** In the language of the request that fetched the session. */
  jurisdictionName: string;
  /** All three names, when the server sends them: the menu then follows a language switch without a refetch. */
  jurisdictionNames?: Names;
}

export interface User {
  id: string;
  username: string;
  displayName: string;
  roles: RoleAssignment[];
}

export interface Session {
  user: User;
  csrfToken: string;
}

export interface PublicConfig {
  basemapStyleUrl: string | null;
  timezone: string;
  demo: boolean;
  version: string;
}

export interface Jurisdiction {
  id: string;
  parentId: string | null;
  level: Level;
  code: string;
  name: string;
  names: Names;
  path: string;
  inScope: boolean;
}

export interface JurisdictionDetail extends Jurisdiction {
  areaM2: number | null;
  validFrom: string | null;
}

export interface Page<T> {
  items: T[];
  next: string | null;
}

export interface TerritoryProperties {
  id: string;
  code: string;
  level: Level;
  name: string;
  nameZhHant?: string | null;
  nameEn?: string | null;
  parentCode?: string | null;
  areaM2?: number | null;
}

export type Position = number[];

export interface MultiPolygon {
  type: 'MultiPolygon';
  coordinates: Position[][][];
}

export interface Polygon {
  type: 'Polygon';
  coordinates: Position[][];
}

export interface TerritoryFeature {
  type: 'Feature';
  id?: string | number;
  geometry: MultiPolygon | Polygon;
  properties: TerritoryProperties;
}

export interface TerritoryCollection {
  type: 'FeatureCollection';
  features: TerritoryFeature[];
}

export function isLevel(value: unknown): value is Level {
  return typeof value === 'string' && (LEVELS as readonly string[]).includes(value);
}
