/**
 * Which column of an imported sheet holds which field. Sheets come from many hands: Chinese headers in either
 * script, English ones, 「（必填）」 notes and asterisks for required columns, stray spaces. Headers are compared by a
 * normalised key, so each alias is listed once in whatever script is natural; the user can override any column.
 * Also here: the words people write for the values of coded fields (户籍/流动/暂住, 独居老人…).
 */
import { toSimplified } from '../../../domain/text-normalize.ts';

export const REGISTRY_KINDS = ['persons', 'households', 'buildings', 'places', 'components', 'organisations'] as const;
export type RegistryKind = (typeof REGISTRY_KINDS)[number];

export interface FieldSpec {
  key: string;
  required: boolean;
  /** Header texts that name this field; compared after `normalizeHeader`. */
  labels: readonly string[];
  /** For coded fields: each canonical value (snake_case) and the words people write for it. */
  values?: Readonly<Record<string, readonly string[]>>;
  /** The cell may list several values (关爱类型: 独居老人、残疾人). */
  multiple?: boolean;
}

export interface KindSpec {
  fields: readonly FieldSpec[];
  /** Groups of which at least one field must be present: a person has an ID number or a passport. */
  oneOf: readonly (readonly string[])[];
}

const NAME = ['姓名', '名字', '人员姓名', '居民姓名', 'Name', 'Full name'];
const ADDRESS = ['住址', '现住址', '居住地址', '现居住地址', '地址', '详细地址', '房屋地址', 'Address', 'Current address'];
const PHONE = ['联系电话', '联系方式', '手机', '手机号', '手机号码', '电话', '電話', '电话号码', 'Phone', 'Mobile', 'Telephone', 'Tel'];
const HOUSEHOLD_NUMBER = ['户号', '戶號', '户编号', '家庭户号', 'Household', 'Household number', 'Household no'];
const LNG = ['经度', '經度', 'Longitude', 'Lng', 'Lon'];
const LAT = ['纬度', '緯度', 'Latitude', 'Lat'];

const field = (key: string, labels: readonly string[], extra: Partial<FieldSpec> = {}): FieldSpec => ({
  key,
  required: false,
  labels,
  ...extra,
});

export const KIND_FIELDS: Readonly<Record<RegistryKind, KindSpec>> = {
  persons: {
    fields: [
      field('name', NAME, { required: true }),
      field('idType', ['证件类型', '證件類型', '身份证件类型', 'ID type', 'Document type'], {
        values: {
          resident_id: ['居民身份证', '身份证', '居民身份證', '身份證', '二代身份证', 'ID card', 'Identity card'],
          residence_permit: ['港澳台居民居住证', '居住证', '港澳台居民居住證'],
          passport: ['护照', '護照', '外国护照', '外国人护照', 'Passport'],
          hk_macao_permit: ['港澳居民来往内地通行证', '回乡证', '港澳通行证'],
          taiwan_permit: ['台湾居民来往大陆通行证', '台胞证'],
          other: ['其他', '其它', '其他证件', 'Other'],
        },
      }),
      field('idNumber', [
        '身份证号',
        '身份证号码',
        '身份證號',
        '身份證號碼',
        '公民身份号码',
        '公民身份號碼',
        '身份证',
        '证件号码',
        '證件號碼',
        '证件号',
        'ID number',
        'ID',
        'ID no',
        'Identity number',
        'National ID',
      ]),
      field('passport', ['护照号', '护照号码', '護照號碼', '护照', 'Passport', 'Passport number', 'Passport no']),
      field('gender', ['性别', '性別', 'Gender', 'Sex'], {
        // GB/T 2261.1 codes 1 and 2 are what exports from the household registration system contain.
        values: { male: ['男', '男性', 'M', 'Male', '1'], female: ['女', '女性', 'F', 'Female', '2'] },
      }),
      field('birthDate', ['出生日期', '出生年月日', '出生年月', '生日', 'Date of birth', 'DOB', 'Birth date', 'Birthday']),
      field('phone', PHONE),
      field('address', ADDRESS),
      field('householdNumber', HOUSEHOLD_NUMBER),
      field('relation', ['与户主关系', '與戶主關係', '与户主的关系', '家庭关系', '关系', 'Relation to head', 'Relationship', 'Relation'], {
        values: {
          head: ['户主', '本人', 'Head', 'Self'],
          spouse: ['配偶', '妻', '妻子', '夫', '丈夫', 'Spouse', 'Wife', 'Husband'],
          child: ['子', '女', '儿子', '女儿', '子女', '长子', '长女', '次子', '次女', 'Child', 'Son', 'Daughter'],
          child_in_law: ['儿媳', '女婿', 'Daughter-in-law', 'Son-in-law'],
          parent: ['父亲', '母亲', '父母', '父', '母', 'Parent', 'Father', 'Mother'],
          grandchild: ['孙子', '孙女', '外孙子', '外孙女', '孙子女', 'Grandchild', 'Grandson', 'Granddaughter'],
          grandparent: ['祖父', '祖母', '外祖父', '外祖母', 'Grandparent', 'Grandfather', 'Grandmother'],
          sibling: ['兄', '弟', '姐', '妹', '兄弟姐妹', '哥哥', '弟弟', '姐姐', '妹妹', 'Sibling', 'Brother', 'Sister'],
          other: ['其他', '其它', '保姆', '租户', 'Other'],
        },
      }),
      field('residenceType', ['人口类型', '户籍类型', '居住类型', '人员类型', '人口性质', 'Residence type', 'Registered or floating'], {
        values: {
          registered: ['户籍', '户籍人口', '本地户籍', 'Registered'],
          floating: ['流动', '流动人口', '外来', '外来人口', 'Floating'],
          temporary: ['暂住', '暂住人口', '临时', '临时居住', 'Temporary'],
        },
      }),
      field('careTags', ['关爱类型', '特殊人群', '重点人群', '关爱对象', '人群标签', 'Care tags', 'Care type'], {
        multiple: true,
        values: {
          elderly_alone: ['独居老人', '孤寡老人', '独居', 'Elderly living alone'],
          disabled: ['残疾人', '残疾', '残障', 'Disabled'],
          low_income: ['低保', '低保户', '低收入', '特困', '特困人员', 'Low income'],
          pregnant: ['孕产妇', '孕妇', '产妇', 'Pregnant'],
          chronic_illness: ['慢性病', '慢病', '慢性病患者', 'Chronic illness'],
        },
      }),
      field('movedIn', ['入住日期', '入住时间', '迁入日期', '迁入时间', '居住起始日期', 'Moved in', 'Move-in date']),
      // Where no building matches the address, a position still places the person in a grid.
      field('lng', LNG),
      field('lat', LAT),
    ],
    oneOf: [['idNumber', 'passport']],
  },
  households: {
    fields: [
      field('householdNumber', HOUSEHOLD_NUMBER, { required: true }),
      field('address', ADDRESS, { required: true }),
      field('headName', ['户主姓名', '戶主姓名', '户主', 'Head of household', 'Head name']),
      field('headIdNumber', ['户主身份证号', '户主身份证号码', '戶主身份證號', '户主证件号码', 'Head ID number']),
      field('phone', PHONE),
      field('householdType', ['户别', '户类型', '户口类型', 'Household type'], {
        values: { family: ['家庭户', '家庭', 'Family'], collective: ['集体户', '集体', 'Collective'] },
      }),
      field('memberCount', ['户内人数', '家庭人口数', '人口数', '人数', 'Members', 'Member count']),
    ],
    oneOf: [],
  },
  buildings: {
    fields: [
      field('address', ['地址', '楼栋地址', '房屋地址', '建筑地址', '详细地址', 'Address'], { required: true }),
      field('name', ['楼栋名称', '楼名', '建筑名称', '名称', 'Name', 'Building name']),
      field('code', ['楼栋编号', '楼栋编码', 'Building code', 'Code']),
      field('floors', ['楼层数', '层数', '总层数', '地上层数', 'Floors', 'Storeys', 'Number of floors']),
      field('use', ['用途', '房屋用途', '建筑用途', '使用性质', 'Use', 'Usage'], {
        values: {
          residential: ['住宅', '居住', '民用住宅', 'Residential'],
          commercial: ['商业', '商铺', '底商', '商用', 'Commercial'],
          office: ['办公', '写字楼', 'Office'],
          industrial: ['工业', '厂房', 'Industrial'],
          public: ['公共', '公建', '公共服务', '公共建筑', 'Public'],
          mixed: ['商住', '混合', '综合', 'Mixed'],
          other: ['其他', '其它', 'Other'],
        },
      }),
      field('lng', LNG),
      field('lat', LAT),
      field('footprint', ['轮廓', '建筑轮廓', '楼栋轮廓', '边界', '几何', '空间范围', 'Footprint', 'Geometry', 'WKT', 'GeoJSON', 'Shape']),
    ],
    oneOf: [],
  },
  places: {
    fields: [
      field('kind', ['场所类型', '场所类别', '类型', '类别', 'Kind', 'Type', 'Category'], {
        required: true,
        values: {
          service_center: ['服务中心', '党群服务中心', '社区服务中心', '便民服务中心', '服务站', 'Service center'],
          open_place: ['开放场所', '开放式场所', '广场', '公园', 'Open place'],
          market: ['市场', '农贸市场', '菜市场', '集贸市场', 'Market'],
          school: ['学校', '幼儿园', '小学', '中学', '中小学', 'School'],
          idle_venue: ['闲置场所', '闲置用房', '闲置房屋', '闲置', 'Idle venue'],
          other: ['其他', '其它', 'Other'],
        },
      }),
      field('name', ['场所名称', '名称', '场所', 'Name', 'Place name'], { required: true }),
      field('address', ['地址', '场所地址', '详细地址', 'Address']),
      field('lng', LNG),
      field('lat', LAT),
    ],
    oneOf: [],
  },
  components: {
    fields: [
      field('code', ['部件编码', '部件编号', '部件代码', '部件标识码', '编码', '编号', 'Code', 'Component code'], {
        required: true,
      }),
      field('name', ['部件名称', '名称', 'Name', 'Component name']),
      field('status', ['状态', '部件状态', '使用状态', 'Status'], {
        values: {
          intact: ['完好', '正常', '良好', 'Intact', 'Normal'],
          damaged: ['破损', '损坏', '损毁', 'Damaged'],
          missing: ['丢失', '缺失', 'Missing'],
          occupied: ['占用', '被占用', 'Occupied'],
          abandoned: ['废弃', '停用', '报废', 'Abandoned'],
        },
      }),
      field('ownerDepartment', ['主管部门', '主管单位', '权属单位', '权属部门', '所属部门', 'Owner department', 'Owner']),
      field('maintainerDepartment', ['养护单位', '养护部门', '维护单位', '维护部门', '管护单位', 'Maintainer', 'Maintainer department']),
      field('lng', LNG),
      field('lat', LAT),
    ],
    oneOf: [],
  },
  organisations: {
    fields: [
      field('kind', ['组织类型', '单位类型', '类型', '类别', 'Kind', 'Type', 'Category'], {
        required: true,
        values: {
          partner_unit: ['共建单位', '驻区单位', '合作单位', '共驻共建单位', 'Partner unit', 'Partner'],
          property_company: ['物业公司', '物业', '物业服务企业', '物业管理公司', '物业服务公司', 'Property company', 'Property management'],
          social_organization: ['社会组织', '社会团体', '社团', '民办非企业单位', '社工机构', 'Social organisation', 'Social organization', 'NGO'],
          owners_committee: ['业主委员会', '业委会', "Owners' committee", 'Owners committee'],
        },
      }),
      field('name', ['单位名称', '组织名称', '机构名称', '企业名称', '名称', 'Name', 'Organisation', 'Organization', 'Organisation name', 'Organization name'], {
        required: true,
      }),
      // A code (GB/T 2260 and the statistics bureau's) or a name of the jurisdiction the organisation belongs to.
      field('jurisdiction', ['所属辖区', '辖区', '所属社区', '社区', '所属街道', '街道', '所属网格', '网格', '辖区编码', '区划代码', 'Jurisdiction', 'Community', 'Area']),
      field('contactName', ['联系人', '联系人姓名', '负责人', '负责人姓名', 'Contact', 'Contact name', 'Contact person']),
      field('contactPhone', PHONE),
      field('compounds', ['服务小区', '所服务小区', '服务的小区', '管理小区', '物业项目', '小区', 'Compounds', 'Compounds served'], { multiple: true }),
      field('address', ADDRESS),
      field('lng', LNG),
      field('lat', LAT),
    ],
    oneOf: [],
  },
};

// Notes in brackets of any kind: 姓名（必填）, 身份证号(18位), 【必填】电话, [选填].
const BRACKETED = /\([^()]*\)|\[[^\]]*\]|【[^】]*】|〔[^〕]*〕|〈[^〉]*〉|《[^》]*》/g;

/**
 * The key a header is compared by: NFKC (full-width brackets and letters folded), simplified script, bracketed
 * notes dropped, lower case, and nothing but letters and digits (so '* 姓 名：' and 'Full-Name' lose their marks).
 */
export function normalizeHeader(text: string): string {
  return toSimplified(text.normalize('NFKC'))
    .replace(BRACKETED, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]/gu, '');
}

export function isRegistryKind(value: string): value is RegistryKind {
  return (REGISTRY_KINDS as readonly string[]).includes(value);
}

export function fieldSpec(kind: RegistryKind, key: string): FieldSpec | undefined {
  return KIND_FIELDS[kind].fields.find((f) => f.key === key);
}

// Label → field key per kind, built on first use. A field's own key is a label too, so that a sheet exported with
// identifiers as headers reads back.
const labelIndexes = new Map<RegistryKind, Map<string, string>>();

function labelIndex(kind: RegistryKind): Map<string, string> {
  let index = labelIndexes.get(kind);
  if (index === undefined) {
    index = new Map();
    for (const f of KIND_FIELDS[kind].fields) {
      for (const label of [f.key, ...f.labels]) {
        const key = normalizeHeader(label);
        const taken = index.get(key);
        if (taken !== undefined && taken !== f.key) {
          throw new Error(`header label ${label} names both ${taken} and ${f.key} in ${kind}`);
        }
        index.set(key, f.key);
      }
    }
    labelIndexes.set(kind, index);
  }
  return index;
}

/** The field a header names, or null. */
export function fieldForHeader(kind: RegistryKind, header: string): string | null {
  return labelIndex(kind).get(normalizeHeader(header)) ?? null;
}

export interface HeaderMatch {
  /** One entry per column, in order; `field` null for a column that is not imported. */
  mapping: Array<{ column: number; field: string | null }>;
  /** Required fields without a column; a `oneOf` group is reported as its keys joined by '|' ('idNumber|passport'). */
  missingRequired: string[];
  /** Fields that more than one column names; only the first such column is mapped. */
  duplicates: string[];
  /** Non-empty headers that name no field and were not explicitly ignored. */
  unknownColumns: string[];
  /** Override keys whose field is not one of this kind. */
  invalidOverrides: string[];
}

/**
 * Maps a header row to fields. `overrides` maps header texts (compared normalised, like the labels) to a field key,
 * or to '' to ignore the column. An override wins over recognition: a column recognised as a field that an override
 * gives to another column is left unmapped rather than reported as a duplicate.
 */
export function matchHeaders(
  kind: RegistryKind,
  header: readonly string[],
  overrides: Readonly<Record<string, string>> = {},
): HeaderMatch {
  const spec = KIND_FIELDS[kind];
  const known = new Set(spec.fields.map((f) => f.key));
  const chosen = new Map<string, string>();
  const invalidOverrides: string[] = [];
  for (const [text, key] of Object.entries(overrides)) {
    if (key !== '' && !known.has(key)) invalidOverrides.push(text);
    else chosen.set(normalizeHeader(text), key);
  }

  const explicit: Array<string | null | undefined> = header.map((h) => chosen.get(normalizeHeader(h)));
  const overridden = new Set(explicit.filter((k): k is string => typeof k === 'string' && k !== ''));
  const taken = new Set<string>();
  const duplicates = new Set<string>();
  const unknownColumns: string[] = [];
  const mapping = header.map((text, column) => {
    const override = explicit[column];
    if (override === '') return { column, field: null };
    const field = override ?? fieldForHeader(kind, text);
    if (field === null || (override === undefined && overridden.has(field))) {
      if (normalizeHeader(text) !== '') unknownColumns.push(text.trim());
      return { column, field: null };
    }
    if (taken.has(field)) {
      duplicates.add(field);
      return { column, field: null };
    }
    taken.add(field);
    return { column, field };
  });

  const missingRequired = spec.fields.filter((f) => f.required && !taken.has(f.key)).map((f) => f.key);
  for (const group of spec.oneOf) if (!group.some((k) => taken.has(k))) missingRequired.push(group.join('|'));
  return { mapping, missingRequired, duplicates: [...duplicates], unknownColumns, invalidOverrides };
}

// Value words → canonical value, per kind and field, built on first use.
const valueIndexes = new Map<string, Map<string, string>>();

function valueIndex(kind: RegistryKind, key: string): Map<string, string> {
  const cacheKey = `${kind}.${key}`;
  let index = valueIndexes.get(cacheKey);
  if (index === undefined) {
    const values = fieldSpec(kind, key)?.values;
    if (values === undefined) throw new RangeError(`${kind}.${key} is not a coded field`);
    index = new Map();
    for (const [canonical, words] of Object.entries(values)) {
      for (const word of [canonical, ...words]) index.set(normalizeHeader(word), canonical);
    }
    valueIndexes.set(cacheKey, index);
  }
  return index;
}

export type EnumResult = { ok: true; value: string | null } | { ok: false; problem: 'unknown_value' };

/** A coded cell as its canonical value: 流动人口 → 'floating', 男 → 'male'; null for a blank cell. */
export function parseEnum(kind: RegistryKind, key: string, text: string): EnumResult {
  const index = valueIndex(kind, key);
  if (text.trim() === '') return { ok: true, value: null };
  const value = index.get(normalizeHeader(text));
  return value === undefined ? { ok: false, problem: 'unknown_value' } : { ok: true, value };
}

export type EnumListResult = { ok: true; values: string[] } | { ok: false; problem: 'unknown_value'; unknown: string[] };

// People separate listed values with any of these: 独居老人、残疾人 / 低保,慢性病 / 孕产妇；低保.
const LIST_SEPARATORS = /[、,，;；/|\s]+/;

/** A cell listing several coded values (关爱类型), each once, in the order written; [] for a blank cell. */
export function parseEnumList(kind: RegistryKind, key: string, text: string): EnumListResult {
  const index = valueIndex(kind, key);
  const values: string[] = [];
  const unknown: string[] = [];
  for (const part of text.normalize('NFKC').split(LIST_SEPARATORS)) {
    if (part === '') continue;
    const value = index.get(normalizeHeader(part));
    if (value === undefined) unknown.push(part);
    else if (!values.includes(value)) values.push(value);
  }
  return unknown.length > 0 ? { ok: false, problem: 'unknown_value', unknown } : { ok: true, values };
}
