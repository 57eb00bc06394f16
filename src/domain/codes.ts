/**
 * Territory codes: GB/T 2260 for city and district, the statistics bureau's division codes (統計用區劃代碼) for street
 * and community, then a 3-digit serial for the unit grid (15 digits) and another for a compound inside it (18).
 */

export const TERRITORY_LEVELS = ['city', 'district', 'street', 'community', 'grid', 'compound'] as const;
export type TerritoryLevel = (typeof TERRITORY_LEVELS)[number];

export type CodeError = 'CODE_MALFORMED' | 'CODE_PARENT_MISMATCH';

const CODE_LENGTH: Readonly<Record<TerritoryLevel, number>> = {
  city: 6,
  district: 6,
  street: 9,
  community: 12,
  grid: 15,
  compound: 18,
};

/** The level a code's parent sits at; a city's parent is a province, which is outside the territory tree. */
const PARENT_LEVEL: Readonly<Record<TerritoryLevel, TerritoryLevel | null>> = {
  city: null,
  district: 'city',
  street: 'district',
  community: 'street',
  grid: 'community',
  compound: 'grid',
};

/** GB/T 2260 province-level prefixes, including Taiwan, Hong Kong and Macao (71, 81, 82). */
const PROVINCES: ReadonlySet<string> = new Set([
  '11', '12', '13', '14', '15', '21', '22', '23', '31', '32', '33', '34', '35', '36', '37', '41', '42', '43', '44',
  '45', '46', '50', '51', '52', '53', '54', '61', '62', '63', '64', '65', '71', '81', '82',
]);

const DIGITS = /^[0-9]+$/;

export function isTerritoryLevel(value: string): value is TerritoryLevel {
  return (TERRITORY_LEVELS as readonly string[]).includes(value);
}

export function levelCodeLength(level: TerritoryLevel): number {
  return CODE_LENGTH[level];
}

function wellFormed(level: TerritoryLevel, code: string): boolean {
  if (code.length !== CODE_LENGTH[level] || !DIGITS.test(code)) return false;
  if (!PROVINCES.has(code.slice(0, 2))) return false;
  // Digits 3–4 "00" would be the province itself. Districts may end in "00": cities without districts (Dongguan
  // 441900, Zhongshan 442000, Danzhou 460400) carry their streets directly under the city code.
  if (code.slice(2, 4) === '00') return false;
  if (level === 'city') return code.slice(4, 6) === '00';
  // Street and community segments may be "000": the statistics bureau uses it for placeholders (Kinmen 350527000).
  // Serials are counted from 001, so a grid or compound serial of "000" is a typo, not a code.
  if (level === 'grid') return code.slice(12, 15) !== '000';
  if (level === 'compound') return code.slice(12, 15) !== '000' && code.slice(15, 18) !== '000';
  return true;
}

function matchesParent(level: TerritoryLevel, code: string, parentCode: string): boolean {
  const parentLevel = PARENT_LEVEL[level];
  if (parentLevel === null) {
    // A city's parent is its province: a 6-digit code ending in "0000" with the same first two digits.
    return /^[0-9]{2}0000$/.test(parentCode) && parentCode.slice(0, 2) === code.slice(0, 2);
  }
  if (!wellFormed(parentLevel, parentCode)) return false;
  // GB/T 2260 numbers a city's districts under the city's first four digits, but the city's own code ends in "00"
  // (and a municipality's city-level code, e.g. 110100, differs from its districts' in digits 5–6), so only 4 match.
  if (level === 'district') return code.slice(0, 4) === parentCode.slice(0, 4);
  return code.startsWith(parentCode);
}

/**
 * null when the code is valid for the level (and, if given, for the parent's code); otherwise the stable error key.
 * A malformed parent code is reported as a parent mismatch, since the child's own code may be fine.
 */
export function validateCode(level: TerritoryLevel, code: string, parentCode?: string): CodeError | null {
  if (!wellFormed(level, code)) return 'CODE_MALFORMED';
  if (parentCode !== undefined && !matchesParent(level, code, parentCode)) return 'CODE_PARENT_MISMATCH';
  return null;
}

export interface GridCodeParts {
  /** 6-digit GB/T 2260 county-level code. */
  district: string;
  /** 9-digit street (township) code, the district code plus 3 digits. */
  street: string;
  /** 12-digit community (village) code, the street code plus 3 digits. */
  community: string;
  /** The grid's serial within its community, 1–999. */
  serial: number;
}

/** The enclosing codes of a 15-digit unit-grid code, or null when the code is not a well-formed grid code. */
export function gridCodeParts(code: string): GridCodeParts | null {
  if (!wellFormed('grid', code)) return null;
  return {
    district: code.slice(0, 6),
    street: code.slice(0, 9),
    community: code.slice(0, 12),
    serial: Number(code.slice(12, 15)),
  };
}
