/**
 * One spreadsheet row → the values of one record, or the problems that refuse it. Pure: no database, no clock but the
 * `today` handed in, so every rule is unit-tested. Cells are kept as the text written (trimmed): a formula or an HTML
 * payload is a string like any other, never evaluated here nor rendered anywhere.
 */
import {
  checkBirthDateConsistency,
  normalizeDate,
  validateIdNumber,
  validatePassport,
  validatePhone,
} from '../../../domain/id-number.ts';
import { nameSearchKey, normalizeAddress } from '../../../domain/text-normalize.ts';
import { type HeaderMatch, parseEnum, parseEnumList, type RegistryKind } from './columns.ts';

/** Stable problem codes of the error report; the words are in `PROBLEM_TEXT`. */
export const PROBLEMS = [
  'required',
  'too_long',
  'unknown_value',
  'id_length',
  'id_characters',
  'id_region',
  'id_birth_date',
  'id_checksum',
  'passport_invalid',
  'birth_date_invalid',
  'birth_date_mismatch',
  'gender_mismatch',
  'phone_invalid',
  'date_invalid',
  'number_invalid',
  'coordinates_invalid',
  'geometry_invalid',
  'code_invalid',
  'duplicate_in_file',
  'exists_elsewhere',
  'address_unmatched',
  'household_unknown',
  'jurisdiction_unknown',
  'jurisdiction_ambiguous',
  'outside_scope',
  'outside_grids',
  'column_count',
  'cell_unreadable',
] as const;
export type Problem = (typeof PROBLEMS)[number];

export interface RowProblem {
  /** The field key; null when the problem is the row's. */
  field: string | null;
  problem: Problem;
  detail?: string;
}

/** A row's cells by field key, trimmed; absent fields are ''. */
export type Cells = Record<string, string>;

export function cellsOf(match: HeaderMatch, values: readonly string[]): Cells {
  const out: Cells = {};
  for (const m of match.mapping) if (m.field !== null) out[m.field] = (values[m.column] ?? '').trim();
  return out;
}

const MAX_TEXT = 500;

export function text(cells: Cells, key: string, problems: RowProblem[], required = false, max = MAX_TEXT): string | null {
  const v = cells[key] ?? '';
  if (v === '') {
    if (required) problems.push({ field: key, problem: 'required' });
    return null;
  }
  if (v.length > max) {
    problems.push({ field: key, problem: 'too_long' });
    return null;
  }
  return v;
}

export function coded(kind: RegistryKind, cells: Cells, key: string, problems: RowProblem[], required = false): string | null {
  const v = cells[key] ?? '';
  if (v === '') {
    if (required) problems.push({ field: key, problem: 'required' });
    return null;
  }
  const r = parseEnum(kind, key, v);
  if (!r.ok) {
    problems.push({ field: key, problem: 'unknown_value', detail: v.slice(0, 50) });
    return null;
  }
  return r.value;
}

function date(cells: Cells, key: string, problems: RowProblem[]): string | null {
  const v = cells[key] ?? '';
  if (v === '') return null;
  const d = normalizeDate(v);
  if (d === null) problems.push({ field: key, problem: key === 'birthDate' ? 'birth_date_invalid' : 'date_invalid' });
  return d;
}

export interface LngLat {
  lng: number;
  lat: number;
}

export function lngLat(cells: Cells, problems: RowProblem[]): LngLat | null {
  const a = cells.lng ?? '';
  const b = cells.lat ?? '';
  if (a === '' && b === '') return null;
  const lng = Number(a);
  const lat = Number(b);
  if (a === '' || b === '' || !Number.isFinite(lng) || !Number.isFinite(lat) || Math.abs(lng) > 180 || Math.abs(lat) > 90) {
    problems.push({ field: a === '' || !Number.isFinite(lng) ? 'lng' : 'lat', problem: 'coordinates_invalid' });
    return null;
  }
  return { lng, lat };
}

export interface PersonValues {
  name: string;
  nameKey: string;
  idType: string;
  /** Normalised: upper-case ID number, or passport number. */
  idNumber: string;
  gender: string | null;
  birthDate: string | null;
  phone: string | null;
  address: string | null;
  addressKey: string | null;
  householdNumber: string | null;
  relation: string | null;
  residenceType: string;
  careTags: string[];
  movedIn: string | null;
  point: LngLat | null;
}

const ID_PROBLEM: Record<string, Problem> = {
  length: 'id_length',
  characters: 'id_characters',
  region: 'id_region',
  birth_date: 'id_birth_date',
  checksum: 'id_checksum',
};

export function parsePerson(cells: Cells, today: string): { ok: true; value: PersonValues } | { ok: false; problems: RowProblem[] } {
  const problems: RowProblem[] = [];
  const name = text(cells, 'name', problems, true, 100);
  const passport = cells.passport ?? '';
  let idType = coded('persons', cells, 'idType', problems) ?? (passport !== '' && (cells.idNumber ?? '') === '' ? 'passport' : 'resident_id');
  let idNumber: string | null = null;
  let idBirth: string | null = null;
  let idGender: string | null = null;
  const idText = cells.idNumber ?? '';
  if (idType === 'resident_id' || idType === 'residence_permit') {
    if (idText === '') {
      if (passport !== '') idType = 'passport';
      else problems.push({ field: 'idNumber', problem: 'required' });
    } else {
      const r = validateIdNumber(idText, { today });
      if (r.ok) {
        idNumber = r.normalized;
        idBirth = r.birthDate;
        idGender = r.gender;
      } else problems.push({ field: 'idNumber', problem: ID_PROBLEM[r.problem] ?? 'id_characters' });
    }
  }
  if (idType !== 'resident_id' && idType !== 'residence_permit') {
    const t = idText !== '' ? idText : passport;
    const r = validatePassport(t);
    if (t === '') problems.push({ field: passport !== '' ? 'passport' : 'idNumber', problem: 'required' });
    else if (r.ok) idNumber = r.normalized;
    else problems.push({ field: idText !== '' ? 'idNumber' : 'passport', problem: 'passport_invalid' });
  }
  const gender = coded('persons', cells, 'gender', problems);
  if (gender && idGender && gender !== idGender) problems.push({ field: 'gender', problem: 'gender_mismatch' });
  let birthDate = date(cells, 'birthDate', problems);
  if (birthDate && idNumber && idBirth) {
    const c = checkBirthDateConsistency(idNumber, birthDate, { today });
    if (!c.ok) problems.push({ field: 'birthDate', problem: 'birth_date_mismatch', detail: c.expected });
  }
  birthDate ??= idBirth;
  let phone: string | null = null;
  if ((cells.phone ?? '') !== '') {
    const r = validatePhone(cells.phone ?? '');
    if (r.ok) phone = r.normalized;
    else problems.push({ field: 'phone', problem: 'phone_invalid' });
  }
  const address = text(cells, 'address', problems);
  const householdNumber = text(cells, 'householdNumber', problems, false, 64);
  if (address === null && householdNumber === null && (cells.address ?? '') === '') {
    problems.push({ field: 'address', problem: 'required' });
  }
  const relation = coded('persons', cells, 'relation', problems);
  const residenceType = coded('persons', cells, 'residenceType', problems) ?? 'registered';
  let careTags: string[] = [];
  if ((cells.careTags ?? '') !== '') {
    const r = parseEnumList('persons', 'careTags', cells.careTags ?? '');
    if (r.ok) careTags = r.values;
    else problems.push({ field: 'careTags', problem: 'unknown_value', detail: r.unknown.join('、').slice(0, 50) });
  }
  const movedIn = date(cells, 'movedIn', problems);
  const point = lngLat(cells, problems);
  if (problems.length > 0 || name === null || idNumber === null) return { ok: false, problems };
  return {
    ok: true,
    value: {
      name,
      nameKey: nameSearchKey(name),
      idType,
      idNumber,
      gender: gender ?? idGender,
      birthDate,
      phone,
      address,
      addressKey: address === null ? null : normalizeAddress(address),
      householdNumber,
      relation,
      residenceType,
      careTags,
      movedIn,
      point,
    },
  };
}

export interface BuildingValues {
  address: string;
  addressKey: string;
  name: string | null;
  code: string | null;
  floors: number | null;
  use: string | null;
  /** WKT or GeoJSON text, checked for shape here and made valid in the database. */
  footprint: string | null;
  footprintFormat: 'wkt' | 'geojson' | null;
  /** The given position, or the footprint's vertex average: what places the building in a grid. */
  point: LngLat | null;
}

/** The vertices of a WKT or GeoJSON polygon, or null when the text is neither. */
export function footprintVertices(t: string): { format: 'wkt' | 'geojson'; points: LngLat[] } | null {
  const s = t.trim();
  if (s.startsWith('{')) {
    try {
      const g = JSON.parse(s) as { type?: string; coordinates?: unknown; geometry?: { type?: string; coordinates?: unknown } };
      const geom = g.type === 'Feature' ? g.geometry : g;
      if (!geom || (geom.type !== 'Polygon' && geom.type !== 'MultiPolygon')) return null;
      const flat = JSON.stringify(geom.coordinates).match(/-?\d+(?:\.\d+)?(?:e-?\d+)?/gi) ?? [];
      return pairs(flat.map(Number), 'geojson');
    } catch {
      return null;
    }
  }
  if (!/^(MULTI)?POLYGON\s*\(\s*\(.*\)\s*\)$/is.test(s)) return null;
  const nums = s.match(/-?\d+(?:\.\d+)?(?:e-?\d+)?/gi) ?? [];
  return pairs(nums.map(Number), 'wkt');
}

function pairs(nums: number[], format: 'wkt' | 'geojson') {
  if (nums.length < 8 || nums.length % 2 !== 0) return null;
  const points: LngLat[] = [];
  for (let i = 0; i < nums.length; i += 2) {
    const lng = nums[i] ?? Number.NaN;
    const lat = nums[i + 1] ?? Number.NaN;
    if (!Number.isFinite(lng) || !Number.isFinite(lat) || Math.abs(lng) > 180 || Math.abs(lat) > 90) return null;
    points.push({ lng, lat });
  }
  return { format, points };
}

export function parseBuilding(cells: Cells): { ok: true; value: BuildingValues } | { ok: false; problems: RowProblem[] } {
  const problems: RowProblem[] = [];
  const address = text(cells, 'address', problems, true);
  const name = text(cells, 'name', problems, false, 200);
  const code = text(cells, 'code', problems, false, 64);
  let floors: number | null = null;
  if ((cells.floors ?? '') !== '') {
    floors = Number(cells.floors);
    if (!Number.isInteger(floors) || floors < 1 || floors > 200) {
      problems.push({ field: 'floors', problem: 'number_invalid' });
      floors = null;
    }
  }
  const use = coded('buildings', cells, 'use', problems);
  let point = lngLat(cells, problems);
  let footprint: string | null = null;
  let footprintFormat: 'wkt' | 'geojson' | null = null;
  if ((cells.footprint ?? '') !== '') {
    const v = footprintVertices(cells.footprint ?? '');
    if (v === null) problems.push({ field: 'footprint', problem: 'geometry_invalid' });
    else {
      footprint = (cells.footprint ?? '').trim();
      footprintFormat = v.format;
      point ??= {
        lng: v.points.reduce((a, p) => a + p.lng, 0) / v.points.length,
        lat: v.points.reduce((a, p) => a + p.lat, 0) / v.points.length,
      };
    }
  }
  if (point === null && problems.length === 0) problems.push({ field: 'lng', problem: 'required' });
  if (problems.length > 0 || address === null) return { ok: false, problems };
  return {
    ok: true,
    value: { address, addressKey: normalizeAddress(address), name, code, floors, use, footprint, footprintFormat, point },
  };
}

export interface HouseholdValues {
  number: string;
  address: string;
  addressKey: string;
  phone: string | null;
  householdType: string | null;
}

export function parseHousehold(cells: Cells): { ok: true; value: HouseholdValues } | { ok: false; problems: RowProblem[] } {
  const problems: RowProblem[] = [];
  const number = text(cells, 'householdNumber', problems, true, 64);
  const address = text(cells, 'address', problems, true);
  let phone: string | null = null;
  if ((cells.phone ?? '') !== '') {
    const r = validatePhone(cells.phone ?? '');
    if (r.ok) phone = r.normalized;
    else problems.push({ field: 'phone', problem: 'phone_invalid' });
  }
  const householdType = coded('households', cells, 'householdType', problems);
  if (problems.length > 0 || number === null || address === null) return { ok: false, problems };
  return { ok: true, value: { number, address, addressKey: normalizeAddress(address), phone, householdType } };
}

export interface PlaceValues {
  kind: string;
  name: string;
  address: string | null;
  addressKey: string | null;
  point: LngLat | null;
}

export function parsePlace(cells: Cells): { ok: true; value: PlaceValues } | { ok: false; problems: RowProblem[] } {
  const problems: RowProblem[] = [];
  const kind = coded('places', cells, 'kind', problems, true);
  const name = text(cells, 'name', problems, true, 200);
  const address = text(cells, 'address', problems);
  const point = lngLat(cells, problems);
  if (point === null && address === null && problems.length === 0) problems.push({ field: 'address', problem: 'required' });
  if (problems.length > 0 || kind === null || name === null) return { ok: false, problems };
  return { ok: true, value: { kind, name, address, addressKey: address === null ? null : normalizeAddress(address), point } };
}

export interface ComponentValues {
  code: string;
  name: string | null;
  status: string;
  ownerDepartment: string | null;
  maintainerDepartment: string | null;
  point: LngLat;
}

/** GB/T 30428.2: 6 admin + 2 major class + 2 minor class + 6 serial digits. */
export const COMPONENT_CODE = /^[0-9]{16}$/;

export function parseComponent(cells: Cells): { ok: true; value: ComponentValues } | { ok: false; problems: RowProblem[] } {
  const problems: RowProblem[] = [];
  const code = text(cells, 'code', problems, true, 32);
  if (code !== null && !COMPONENT_CODE.test(code)) problems.push({ field: 'code', problem: 'code_invalid' });
  const name = text(cells, 'name', problems, false, 200);
  const status = coded('components', cells, 'status', problems) ?? 'intact';
  const ownerDepartment = text(cells, 'ownerDepartment', problems, false, 200);
  const maintainerDepartment = text(cells, 'maintainerDepartment', problems, false, 200);
  const point = lngLat(cells, problems);
  if (point === null && problems.length === 0) problems.push({ field: 'lng', problem: 'required' });
  if (problems.length > 0 || code === null || point === null) return { ok: false, problems };
  return { ok: true, value: { code, name, status, ownerDepartment, maintainerDepartment, point } };
}

type Words = { en: string; 'zh-Hans': string; 'zh-Hant': string };

/** The error report's words per problem, in the reader's language. */
export const PROBLEM_TEXT: Record<Problem, Words> = {
  required: { en: 'required value is missing', 'zh-Hans': '缺少必填内容', 'zh-Hant': '缺少必填內容' },
  too_long: { en: 'value is too long', 'zh-Hans': '内容过长', 'zh-Hant': '內容過長' },
  unknown_value: { en: 'value not recognised', 'zh-Hans': '无法识别的取值', 'zh-Hant': '無法識別的取值' },
  id_length: { en: 'ID number has the wrong length', 'zh-Hans': '身份证号位数不对', 'zh-Hant': '身分證號位數不對' },
  id_characters: { en: 'ID number has invalid characters', 'zh-Hans': '身份证号含非法字符', 'zh-Hant': '身分證號含非法字元' },
  id_region: { en: 'ID number has an unknown region code', 'zh-Hans': '身份证号地区码无效', 'zh-Hant': '身分證號地區碼無效' },
  id_birth_date: { en: 'ID number has an impossible birth date', 'zh-Hans': '身份证号中的出生日期无效', 'zh-Hant': '身分證號中的出生日期無效' },
  id_checksum: { en: 'ID number check digit is wrong', 'zh-Hans': '身份证号校验码错误', 'zh-Hant': '身分證號校驗碼錯誤' },
  passport_invalid: { en: 'passport number is not valid', 'zh-Hans': '护照号码无效', 'zh-Hant': '護照號碼無效' },
  birth_date_invalid: { en: 'birth date is not a date', 'zh-Hans': '出生日期格式错误', 'zh-Hant': '出生日期格式錯誤' },
  birth_date_mismatch: { en: 'birth date differs from the ID number', 'zh-Hans': '出生日期与身份证号不一致', 'zh-Hant': '出生日期與身分證號不一致' },
  gender_mismatch: { en: 'gender differs from the ID number', 'zh-Hans': '性别与身份证号不一致', 'zh-Hant': '性別與身分證號不一致' },
  phone_invalid: { en: 'phone number is not valid', 'zh-Hans': '电话号码无效', 'zh-Hant': '電話號碼無效' },
  date_invalid: { en: 'not a date', 'zh-Hans': '日期格式错误', 'zh-Hant': '日期格式錯誤' },
  number_invalid: { en: 'not a valid number', 'zh-Hans': '数字无效', 'zh-Hant': '數字無效' },
  coordinates_invalid: { en: 'coordinates are not valid', 'zh-Hans': '坐标无效', 'zh-Hant': '座標無效' },
  geometry_invalid: { en: 'footprint is neither WKT nor GeoJSON polygon', 'zh-Hans': '轮廓不是有效的 WKT 或 GeoJSON 面', 'zh-Hant': '輪廓不是有效的 WKT 或 GeoJSON 面' },
  code_invalid: { en: 'code must be 16 digits', 'zh-Hans': '编码必须为16位数字', 'zh-Hant': '編碼必須為16位數字' },
  duplicate_in_file: { en: 'duplicate of an earlier row in this file', 'zh-Hans': '与文件中前面的行重复', 'zh-Hant': '與檔案中前面的列重複' },
  exists_elsewhere: { en: 'already registered in another grid', 'zh-Hans': '已在其他网格登记', 'zh-Hant': '已在其他網格登記' },
  address_unmatched: { en: 'address matches no building', 'zh-Hans': '地址未匹配到楼栋', 'zh-Hant': '地址未匹配到樓棟' },
  household_unknown: { en: 'household number is unknown', 'zh-Hans': '户号不存在', 'zh-Hant': '戶號不存在' },
  jurisdiction_unknown: { en: 'no jurisdiction has this code or name', 'zh-Hans': '没有此编码或名称的辖区', 'zh-Hant': '沒有此編碼或名稱的轄區' },
  jurisdiction_ambiguous: {
    en: 'several jurisdictions have this name: give the code',
    'zh-Hans': '多个辖区同名，请填写辖区编码',
    'zh-Hant': '多個轄區同名，請填寫轄區編碼',
  },
  outside_scope: { en: 'outside your jurisdiction', 'zh-Hans': '不在您的辖区内', 'zh-Hant': '不在您的轄區內' },
  outside_grids: { en: 'position lies in no grid', 'zh-Hans': '位置不在任何网格内', 'zh-Hant': '位置不在任何網格內' },
  column_count: { en: 'row has a different number of cells than the header', 'zh-Hans': '该行列数与表头不一致', 'zh-Hant': '該列欄數與表頭不一致' },
  cell_unreadable: { en: 'cell cannot be read exactly', 'zh-Hans': '单元格内容无法准确读取', 'zh-Hant': '儲存格內容無法準確讀取' },
};
