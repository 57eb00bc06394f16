/**
 * Identity documents and phone numbers as they arrive in spreadsheets: resident ID numbers (GB 11643-1999, with the
 * ISO 7064 MOD 11-2 check character), legacy 15-digit numbers, passports for foreigners, mainland phone numbers.
 * Everything here is pure: "today" is passed in where it matters, so tests never depend on the clock.
 */

export type IdNumberProblem = 'length' | 'characters' | 'region' | 'birth_date' | 'checksum';

export type IdNumberResult =
  | { ok: true; normalized: string; birthDate: string; gender: 'male' | 'female'; regionCode: string }
  | { ok: false; problem: IdNumberProblem };

export interface IdNumberOptions {
  /** 'YYYY-MM-DD' or a Date; defaults to today in China (UTC+8, no daylight saving). */
  today?: string | Date;
}

/**
 * GB/T 2260 province-level prefixes, including Taiwan, Hong Kong and Macao (71, 81, 82), and 83: the residence
 * permits of Taiwan residents (港澳台居民居住证, since 2018) carry numbers of this same format starting 830000,
 * while those of Hong Kong and Macao residents start 810000 and 820000.
 */
const PROVINCES: ReadonlySet<string> = new Set([
  '11', '12', '13', '14', '15', '21', '22', '23', '31', '32', '33', '34', '35', '36', '37', '41', '42', '43', '44',
  '45', '46', '50', '51', '52', '53', '54', '61', '62', '63', '64', '65', '71', '81', '82', '83',
]);

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2] as const;
const CHECK_CHARS = '10X98765432';
const CHINA_OFFSET_MS = 8 * 3600 * 1000;
// Nobody born before 1900 is alive; an earlier year is a typo (or a 15-digit number read as 18).
const EARLIEST_BIRTH = '1900-01-01';

/** The check character for the first 17 digits (ISO 7064 MOD 11-2). */
export function idChecksum(first17: string): string {
  if (!/^[0-9]{17}$/.test(first17)) throw new RangeError('idChecksum needs exactly 17 digits');
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += (first17.charCodeAt(i) - 48) * (WEIGHTS[i] ?? 0);
  return CHECK_CHARS[sum % 11] ?? 'X';
}

/**
 * A legacy 15-digit number (issued before 1999: 6 region + YYMMDD + 3 sequence) as its 18-digit form. Every
 * 15-digit number was issued to someone born in the 1900s, so the century is always 19. Null if not 15 digits.
 */
export function upgrade15(s: string): string | null {
  const t = cleanId(s);
  if (!/^[0-9]{15}$/.test(t)) return null;
  const first17 = `${t.slice(0, 6)}19${t.slice(6)}`;
  return first17 + idChecksum(first17);
}

/** Today's calendar date in China: a person born just after midnight Beijing time is not "in the future" on a UTC server. */
export function chinaToday(now: Date = new Date()): string {
  return new Date(now.getTime() + CHINA_OFFSET_MS).toISOString().slice(0, 10);
}

function todayOf(opts: IdNumberOptions | undefined): string {
  const t = opts?.today;
  if (t === undefined) return chinaToday();
  return typeof t === 'string' ? t : chinaToday(t);
}

// Spreadsheets bring full-width digits, stray spaces and a lower-case x; none of them is a different number.
function cleanId(s: string): string {
  return s.normalize('NFKC').replace(/\s+/g, '').toUpperCase();
}

function isCalendarDate(y: number, m: number, d: number): boolean {
  if (m < 1 || m > 12 || d < 1) return false;
  const days = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return d <= days;
}

export function validateIdNumber(s: string, opts?: IdNumberOptions): IdNumberResult {
  let t = cleanId(s);
  if (t.length === 15) {
    if (!/^[0-9]{15}$/.test(t)) return { ok: false, problem: 'characters' };
    t = upgrade15(t) ?? t;
  }
  if (t.length !== 18) return { ok: false, problem: 'length' };
  if (!/^[0-9]{17}[0-9X]$/.test(t)) return { ok: false, problem: 'characters' };
  if (!PROVINCES.has(t.slice(0, 2))) return { ok: false, problem: 'region' };
  const y = Number(t.slice(6, 10));
  const m = Number(t.slice(10, 12));
  const d = Number(t.slice(12, 14));
  const birthDate = `${t.slice(6, 10)}-${t.slice(10, 12)}-${t.slice(12, 14)}`;
  if (!isCalendarDate(y, m, d) || birthDate < EARLIEST_BIRTH || birthDate > todayOf(opts)) {
    return { ok: false, problem: 'birth_date' };
  }
  if (idChecksum(t.slice(0, 17)) !== t[17]) return { ok: false, problem: 'checksum' };
  // The 17th digit is the sequence's last: odd for men, even for women.
  const gender = Number(t[16]) % 2 === 1 ? 'male' : 'female';
  return { ok: true, normalized: t, birthDate, gender, regionCode: t.slice(0, 6) };
}

/**
 * A date as people type it into a spreadsheet (2021-03-07, 2021/3/7, 20210307, 2021.3.7, 2021年3月7日) as
 * 'YYYY-MM-DD', or null when it is not a calendar date. A trailing time (from a date-time cell) is ignored.
 */
export function normalizeDate(s: string): string | null {
  const t = s.normalize('NFKC').trim();
  const m =
    /^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$/.exec(t) ??
    /^(\d{4})(\d{2})(\d{2})$/.exec(t);
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (!isCalendarDate(y, mo, d)) return null;
  return `${m[1]}-${String(mo).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

export type BirthDateConsistency =
  | { ok: true }
  | { ok: false; problem: 'id_number' | 'birth_date' | 'mismatch'; expected?: string };

/** Whether a separately entered birth date agrees with the one inside the ID number. */
export function checkBirthDateConsistency(
  idNumber: string,
  birthDate: string,
  opts?: IdNumberOptions,
): BirthDateConsistency {
  const id = validateIdNumber(idNumber, opts);
  if (!id.ok) return { ok: false, problem: 'id_number' };
  const given = normalizeDate(birthDate);
  if (given === null) return { ok: false, problem: 'birth_date' };
  return given === id.birthDate ? { ok: true } : { ok: false, problem: 'mismatch', expected: id.birthDate };
}

export type PassportResult = { ok: true; normalized: string } | { ok: false; problem: 'length' | 'characters' };

/**
 * Foreign passports follow no one national format (ICAO 9303 allows up to 9 characters in the machine-readable
 * zone, older and other travel documents are longer), so the rule is deliberately loose: 5–20 letters and digits.
 */
export function validatePassport(s: string): PassportResult {
  const t = s.normalize('NFKC').replace(/\s+/g, '').toUpperCase();
  if (!/^[A-Z0-9]*$/.test(t)) return { ok: false, problem: 'characters' };
  if (t.length < 5 || t.length > 20) return { ok: false, problem: 'length' };
  return { ok: true, normalized: t };
}

export type PhoneProblem = 'empty' | 'characters' | 'length' | 'mobile_prefix' | 'area_code';

export type PhoneResult =
  | { ok: true; normalized: string; kind: 'mobile' | 'landline' }
  | { ok: false; problem: PhoneProblem };

/**
 * A mainland phone number as digits only: an 11-digit mobile (1[3-9]…), or a landline with its area code
 * (010-12345678 → 01012345678). Separators, full-width digits and a +86 / 0086 / 86 country prefix are removed;
 * in international form the trunk 0 of the area code is dropped (+86 10 1234 5678), so it is put back.
 */
export function validatePhone(s: string): PhoneResult {
  let t = s.normalize('NFKC').replace(/[\s\-().]/g, '');
  if (t === '') return { ok: false, problem: 'empty' };
  let international = false;
  if (t.startsWith('+86')) {
    t = t.slice(3);
    international = true;
  } else if (t.startsWith('0086')) {
    t = t.slice(4);
    international = true;
  } else if (/^861[3-9][0-9]{9}$/.test(t)) {
    t = t.slice(2);
    international = true;
  }
  if (!/^[0-9]+$/.test(t)) return { ok: false, problem: 'characters' };
  if (t.startsWith('1')) {
    if (t.length !== 11) {
      // "+86 10 12345678": Beijing's area code without its trunk zero, not a short mobile number.
      if (international && t.startsWith('10')) return landline(`0${t}`);
      return { ok: false, problem: 'length' };
    }
    if (!/^1[3-9]/.test(t)) return { ok: false, problem: 'mobile_prefix' };
    return { ok: true, normalized: t, kind: 'mobile' };
  }
  if (t.startsWith('0')) return landline(t);
  if (international) return landline(`0${t}`);
  // A local number without its area code cannot be dialled from elsewhere, and tells nothing of where it is.
  return { ok: false, problem: 'area_code' };
}

// Area codes: 010 and 020–029 have three digits and eight-digit local numbers; the others have four digits and
// seven- or eight-digit local numbers. A local number starting with 0 is a doubled trunk prefix, not a number.
function landline(t: string): PhoneResult {
  const short = /^(010|02[0-9])/.test(t);
  const area = short ? 3 : 4;
  if (!short && !/^0[3-9][0-9]{2}/.test(t)) return { ok: false, problem: 'area_code' };
  const local = t.slice(area);
  if (short ? local.length !== 8 : local.length < 7 || local.length > 8) return { ok: false, problem: 'length' };
  if (local.startsWith('0')) return { ok: false, problem: 'area_code' };
  return { ok: true, normalized: t, kind: 'landline' };
}

/** The digits-only form of a valid phone number, or null. */
export function normalizePhone(s: string): string | null {
  const r = validatePhone(s);
  return r.ok ? r.normalized : null;
}
