/**
 * The category taxonomy as seed data, after GB/T 30428.2 (數字化城市管理信息系統 第2部分：管理部件和事件). Two
 * families number their major classes from 01 each, so a code carries its family letter: components (部件) `C01`…
 * `C06`, events (事件) `E01`…`E05`; a sub-category adds two digits (`C0101`, `E0102`) and is also the Open311
 * `service_code`. Sub-category numbers follow the standard's lineage (CJ/T 214-2007, as cities publish it); numbers
 * from 51 up are local extensions the standard does not list. Admins edit categories later; this is the first seed.
 */
import type { TimeBase } from './calendar.ts';

export type CategoryType = 'component' | 'event';
export type Priority = 'urgent' | 'high' | 'normal';
export type CaseType = 'immediate' | 'committed' | 'coordinated';
export type Stage = 'accept' | 'confirm' | 'register' | 'dispatch' | 'handle' | 'verify';

export const PRIORITIES: readonly Priority[] = ['urgent', 'high', 'normal'];

export const DEPARTMENT_KINDS = [
  'sanitation',
  'roads',
  'gardens',
  'water',
  'urban_management',
  'housing',
  'traffic',
  'power',
  'telecom',
  'fire',
] as const;
export type DepartmentKind = (typeof DEPARTMENT_KINDS)[number];

/** Same shape as the server's `Names`, declared here so that the domain does not import from the server. */
export interface LocalizedText {
  'zh-Hant': string;
  'zh-Hans': string;
  en: string;
}

export type AttributeDatatype = 'string' | 'number' | 'datetime' | 'text' | 'singlevaluelist' | 'multivaluelist';

/** An Open311 service attribute: an extra field the reporter fills in for this category. */
export interface CategoryAttribute {
  code: string;
  datatype: AttributeDatatype;
  required: boolean;
  description: LocalizedText;
  /** Only for the two list datatypes. */
  values?: Array<{ key: string; names: LocalizedText }>;
}

/** Minutes per stage, counted in the category's time base. */
export interface StageLimits {
  accept: number;
  confirm: number;
  register: number;
  dispatch: number;
  handle: Record<Priority, number>;
  verify: number;
}

export interface Category {
  code: string;
  type: CategoryType;
  majorCode: string;
  names: LocalizedText;
  registerCondition: LocalizedText;
  closeCondition: LocalizedText;
  defaultDepartmentKind: DepartmentKind;
  timeBase: TimeBase;
  limits: StageLimits;
  duplicateRadiusM: number;
  /** Natural minutes: how far back an open case of the same category counts as a possible duplicate. */
  duplicateWindowMinutes: number;
  reporterMayVerify: boolean;
  afterPhotoRequired: boolean;
  caseType: CaseType;
  attributes?: CategoryAttribute[];
}

export interface MajorClass {
  code: string;
  type: CategoryType;
  names: LocalizedText;
}

export interface CategoryNode {
  code: string;
  names: LocalizedText;
  children: CategoryNode[];
}

export const CATEGORY_CODE = /^[CE]\d{4}$/;

/**
 * A working day under the default hours (08:30–12:00 and 13:30–17:30 = 7.5 h). Limits are stored in minutes, so
 * "handled within 1 working day" is 450 working minutes: a case registered at 08:30 is due at 17:30 the same day.
 */
export const WORKING_DAY_MINUTES = 450;
const DAY = WORKING_DAY_MINUTES;

function t(zhHant: string, zhHans: string, en: string): LocalizedText {
  return { 'zh-Hant': zhHant, 'zh-Hans': zhHans, en };
}

function hours(n: number): number {
  return n * 60;
}

function days(n: number): number {
  return n * 24 * 60;
}

export const CATEGORY_FAMILIES: ReadonlyArray<{ code: 'C' | 'E'; type: CategoryType; names: LocalizedText }> = [
  { code: 'C', type: 'component', names: t('部件', '部件', 'Components') },
  { code: 'E', type: 'event', names: t('事件', '事件', 'Events') },
];

export const MAJOR_CLASSES: readonly MajorClass[] = [
  { code: 'C01', type: 'component', names: t('公用設施', '公用设施', 'Public utilities') },
  { code: 'C02', type: 'component', names: t('道路交通', '道路交通', 'Roads and traffic') },
  { code: 'C03', type: 'component', names: t('市容環境', '市容环境', 'Cityscape and sanitation') },
  { code: 'C04', type: 'component', names: t('園林綠化', '园林绿化', 'Parks and greenery') },
  { code: 'C05', type: 'component', names: t('房屋土地', '房屋土地', 'Buildings and land') },
  { code: 'C06', type: 'component', names: t('其他設施', '其他设施', 'Other facilities') },
  { code: 'E01', type: 'event', names: t('市容環境', '市容环境', 'Cityscape and sanitation') },
  { code: 'E02', type: 'event', names: t('宣傳廣告', '宣传广告', 'Advertising') },
  { code: 'E03', type: 'event', names: t('施工管理', '施工管理', 'Construction management') },
  { code: 'E04', type: 'event', names: t('突發事件', '突发事件', 'Emergencies') },
  { code: 'E05', type: 'event', names: t('街面秩序', '街面秩序', 'Street order') },
];

/**
 * Stage limits other than handling. Working time: the 12345-style pace of half an hour to take a report in, an hour
 * for the grid worker to check on site, two hours to verify the result. Natural time, for the urgent categories:
 * minutes, day and night.
 */
const STAGE_LIMITS: Readonly<Record<TimeBase, Omit<StageLimits, 'handle'>>> = {
  working: { accept: 30, confirm: 60, register: 30, dispatch: 30, verify: 120 },
  natural: { accept: 5, confirm: 30, register: 10, dispatch: 10, verify: 60 },
};

interface SubSpec {
  register: LocalizedText;
  close: LocalizedText;
  department: DepartmentKind;
  base: TimeBase;
  /** Handling limit per priority: urgent, high, normal. */
  handle: readonly [number, number, number];
  caseType: CaseType;
  /** Radius in metres and window in natural minutes for duplicate candidates. */
  duplicate: readonly [number, number];
  reporterMayVerify?: boolean;
  afterPhotoRequired?: boolean;
  attributes?: CategoryAttribute[];
}

/** Type and major class come from the code, so the seed cannot contradict itself. */
function sub(code: string, names: LocalizedText, spec: SubSpec): Category {
  const [urgent, high, normal] = spec.handle;
  const category: Category = {
    code,
    type: code.startsWith('C') ? 'component' : 'event',
    majorCode: code.slice(0, 3),
    names,
    registerCondition: spec.register,
    closeCondition: spec.close,
    defaultDepartmentKind: spec.department,
    timeBase: spec.base,
    limits: { ...STAGE_LIMITS[spec.base], handle: { urgent, high, normal } },
    duplicateRadiusM: spec.duplicate[0],
    duplicateWindowMinutes: spec.duplicate[1],
    // Most results can be seen from the street, so the reporter may confirm them; exceptions say why they differ.
    reporterMayVerify: spec.reporterMayVerify ?? true,
    afterPhotoRequired: spec.afterPhotoRequired ?? true,
    caseType: spec.caseType,
  };
  if (spec.attributes) category.attributes = spec.attributes;
  return category;
}

function option(key: string, names: LocalizedText): { key: string; names: LocalizedText } {
  return { key, names };
}

const COVER_REGISTER = t(
  '井蓋缺失、破損、移位或凹陷，影響通行或存在安全隱患',
  '井盖缺失、破损、移位或凹陷，影响通行或存在安全隐患',
  'Cover missing, broken, displaced or sunken, obstructing passage or posing a hazard',
);
const COVER_CLOSE = t('井蓋補齊或更換完好，與路面平順', '井盖补齐或更换完好，与路面平顺', 'Cover replaced or repaired and flush with the surface');

const STREET_LIGHT_ATTRIBUTES: CategoryAttribute[] = [
  {
    code: 'pole_number',
    datatype: 'string',
    required: false,
    description: t('燈杆編號（燈杆上的銘牌）', '灯杆编号（灯杆上的铭牌）', 'Pole number (on the plate on the pole)'),
  },
  {
    code: 'fault',
    datatype: 'singlevaluelist',
    required: true,
    description: t('故障情況', '故障情况', 'Fault'),
    values: [
      option('out', t('不亮', '不亮', 'Out')),
      option('flickering', t('閃爍', '闪烁', 'Flickering')),
      option('lit_in_daytime', t('白天亮燈', '白天亮灯', 'Lit in daytime')),
      option('pole_damaged', t('燈杆損壞', '灯杆损坏', 'Pole damaged')),
    ],
  },
];

const LITTER_BIN_ATTRIBUTES: CategoryAttribute[] = [
  {
    code: 'bin_count',
    datatype: 'number',
    required: false,
    description: t('涉及的垃圾箱數量', '涉及的垃圾箱数量', 'Number of bins affected'),
  },
  {
    code: 'problem',
    datatype: 'singlevaluelist',
    required: true,
    description: t('問題', '问题', 'Problem'),
    values: [
      option('missing', t('缺失', '缺失', 'Missing')),
      option('broken', t('破損', '破损', 'Broken')),
      option('overflowing', t('滿溢', '满溢', 'Overflowing')),
      option('knocked_over', t('傾倒', '倾倒', 'Knocked over')),
    ],
  },
];

const ILLEGAL_CONSTRUCTION_ATTRIBUTES: CategoryAttribute[] = [
  {
    code: 'structure',
    datatype: 'text',
    required: false,
    description: t(
      '搭建物描述：位置、面積、用途、是否仍在施工',
      '搭建物描述：位置、面积、用途、是否仍在施工',
      'The structure: where, how large, what for, and whether work is still going on',
    ),
  },
];

const ABANDONED_VEHICLE_ATTRIBUTES: CategoryAttribute[] = [
  {
    code: 'plate_number',
    datatype: 'string',
    required: false,
    description: t('車牌號碼（如有）', '车牌号码（如有）', 'Licence plate (if any)'),
  },
];

const CONSTRUCTION_NOISE_ATTRIBUTES: CategoryAttribute[] = [
  {
    code: 'periods',
    datatype: 'multivaluelist',
    required: true,
    description: t('擾民時段', '扰民时段', 'When it happens'),
    values: [
      option('night', t('夜間（22:00–6:00）', '夜间（22:00–6:00）', 'At night (22:00–06:00)')),
      option('midday', t('午間（12:00–14:00）', '午间（12:00–14:00）', 'At midday (12:00–14:00)')),
      option('daytime', t('白天其他時段', '白天其他时段', 'Other daytime hours')),
    ],
  },
  {
    code: 'observed_at',
    datatype: 'datetime',
    required: false,
    description: t('最近一次發生時間', '最近一次发生时间', 'Last heard at'),
  },
];

const FLOODING_ATTRIBUTES: CategoryAttribute[] = [
  {
    code: 'depth_cm',
    datatype: 'number',
    required: false,
    description: t('積水深度（釐米）', '积水深度（厘米）', 'Water depth (cm)'),
  },
];

const ILLEGAL_PARKING_ATTRIBUTES: CategoryAttribute[] = [
  {
    code: 'plate_number',
    datatype: 'string',
    required: false,
    description: t('車牌號碼', '车牌号码', 'Licence plate'),
  },
  {
    code: 'obstruction',
    datatype: 'singlevaluelist',
    required: false,
    description: t('佔用位置', '占用位置', 'Where it is parked'),
    values: [
      option('pavement', t('人行道', '人行道', 'On the pavement')),
      option('entrance', t('出入口', '出入口', 'Across an entrance')),
      option('no_parking_zone', t('禁停路段', '禁停路段', 'In a no-parking zone')),
      option('other', t('其他', '其他', 'Other')),
    ],
  },
];

/**
 * The seed. Limits are realistic rather than normative: cities set their own in their assessment rules (考核辦法);
 * e.g. exposed garbage handled within 1 working day, illegal construction within 15, a dirty road within 5 working
 * hours; a missing manhole cover, a collapsed road or a blocked fire lane within an hour or two, day or night.
 */
export const CATEGORIES: readonly Category[] = [
  // C01 公用設施 public utilities
  sub('C0101', t('上水井蓋', '上水井盖', 'Water supply manhole cover'), {
    register: COVER_REGISTER,
    close: COVER_CLOSE,
    department: 'water', base: 'natural', handle: [60, hours(4), hours(24)],
    caseType: 'committed', duplicate: [20, days(7)],
  }),
  sub('C0102', t('污水井蓋', '污水井盖', 'Sewer manhole cover'), {
    register: COVER_REGISTER,
    close: COVER_CLOSE,
    department: 'water', base: 'natural', handle: [60, hours(4), hours(24)],
    caseType: 'committed', duplicate: [20, days(7)],
  }),
  sub('C0103', t('雨水井蓋', '雨水井盖', 'Storm drain manhole cover'), {
    register: COVER_REGISTER,
    close: COVER_CLOSE,
    department: 'water', base: 'natural', handle: [60, hours(4), hours(24)],
    caseType: 'committed', duplicate: [20, days(7)],
  }),
  sub('C0104', t('雨水箅子', '雨水箅子', 'Storm drain grate'), {
    register: t(
      '箅子缺失、破損或堵塞，影響通行或排水',
      '箅子缺失、破损或堵塞，影响通行或排水',
      'Grate missing, broken or blocked, obstructing passage or drainage',
    ),
    close: t('箅子補齊、更換或清掏，排水通暢', '箅子补齐、更换或清掏，排水通畅', 'Grate replaced or cleared and draining freely'),
    department: 'water', base: 'natural', handle: [60, hours(4), hours(24)],
    caseType: 'committed', duplicate: [20, days(7)],
  }),
  sub('C0105', t('電力井蓋', '电力井盖', 'Power manhole cover'), {
    register: COVER_REGISTER,
    close: COVER_CLOSE,
    department: 'power', base: 'natural', handle: [60, hours(4), hours(24)],
    caseType: 'committed', duplicate: [20, days(7)],
  }),
  sub('C0107', t('通信井蓋', '通信井盖', 'Telecom manhole cover'), {
    register: COVER_REGISTER,
    close: COVER_CLOSE,
    department: 'telecom', base: 'natural', handle: [60, hours(4), hours(24)],
    caseType: 'committed', duplicate: [20, days(7)],
  }),
  sub('C0113', t('消防設施', '消防设施', 'Fire hydrant and fire facilities'), {
    register: t(
      '消火栓等消防設施損壞、漏水、被圈佔或無法使用',
      '消火栓等消防设施损坏、漏水、被圈占或无法使用',
      'Hydrant or other fire equipment damaged, leaking, enclosed or unusable',
    ),
    close: t('設施修復完好，可正常使用且周邊無遮擋', '设施修复完好，可正常使用且周边无遮挡', 'Equipment repaired, usable and unobstructed'),
    department: 'fire', base: 'working', handle: [120, DAY, 3 * DAY],
    caseType: 'committed', duplicate: [20, days(7)],
  }),
  sub('C0116', t('電力設施', '电力设施', 'Power equipment (boxes, cables)'), {
    register: t(
      '電箱門敞開、設施破損或電線裸露，存在觸電隱患',
      '电箱门敞开、设施破损或电线裸露，存在触电隐患',
      'Cabinet open, equipment damaged or live wires exposed: risk of electric shock',
    ),
    close: t(
      '設施關閉、修復或更換，無裸露帶電部位',
      '设施关闭、修复或更换，无裸露带电部位',
      'Equipment closed, repaired or replaced, no live parts exposed',
    ),
    department: 'power', base: 'natural', handle: [60, hours(4), hours(24)],
    caseType: 'committed', duplicate: [20, days(7)],
  }),
  sub('C0118', t('路燈', '路灯', 'Street light'), {
    register: t(
      '路燈不亮、閃爍、白天亮燈或燈杆損壞傾斜',
      '路灯不亮、闪烁、白天亮灯或灯杆损坏倾斜',
      'Light out, flickering, lit in daytime, or pole damaged or leaning',
    ),
    close: t('路燈恢復正常照明，燈杆完好直立', '路灯恢复正常照明，灯杆完好直立', 'Light working normally, pole sound and upright'),
    department: 'roads', base: 'working', handle: [DAY / 2, DAY, 2 * DAY],
    caseType: 'committed', duplicate: [20, days(7)],
    attributes: STREET_LIGHT_ATTRIBUTES,
  }),
  sub('C0121', t('報刊亭', '报刊亭', 'Newsstand'), {
    register: t(
      '亭體破損、廢棄閒置或超出核准範圍經營',
      '亭体破损、废弃闲置或超出核准范围经营',
      'Kiosk damaged, abandoned, or trading beyond its permitted footprint',
    ),
    close: t('亭體修復、拆除或恢復核准範圍', '亭体修复、拆除或恢复核准范围', 'Kiosk repaired, removed or back within its footprint'),
    department: 'urban_management', base: 'working', handle: [DAY, 2 * DAY, 5 * DAY],
    caseType: 'committed', duplicate: [20, days(7)],
  }),
  sub('C0122', t('電話亭', '电话亭', 'Telephone booth'), {
    register: t(
      '亭體破損、傾斜或廢棄，影響市容或安全',
      '亭体破损、倾斜或废弃，影响市容或安全',
      'Booth damaged, leaning or abandoned, marring the street or unsafe',
    ),
    close: t('亭體修復完好或依規拆除', '亭体修复完好或依规拆除', 'Booth repaired or lawfully removed'),
    department: 'telecom', base: 'working', handle: [DAY, 2 * DAY, 5 * DAY],
    caseType: 'committed', duplicate: [20, days(7)],
  }),
  // C02 道路交通 roads and traffic
  sub('C0203', t('公交站亭', '公交站亭', 'Bus shelter'), {
    register: t('站亭頂棚、玻璃、座椅或站牌破損', '站亭顶棚、玻璃、座椅或站牌破损', 'Shelter roof, glass, seats or stop sign damaged'),
    close: t('站亭設施修復完好', '站亭设施修复完好', 'Shelter repaired'),
    department: 'traffic', base: 'working', handle: [DAY, 2 * DAY, 5 * DAY],
    caseType: 'committed', duplicate: [20, days(7)],
  }),
  sub('C0205', t('過街天橋', '过街天桥', 'Pedestrian overpass'), {
    register: t(
      '橋面、欄杆、台階破損或照明失效，影響通行安全',
      '桥面、栏杆、台阶破损或照明失效，影响通行安全',
      'Deck, railings or steps damaged or lights out, endangering pedestrians',
    ),
    close: t('破損部位修復，通行安全', '破损部位修复，通行安全', 'Damage repaired, safe to use'),
    department: 'roads', base: 'working', handle: [DAY / 2, 2 * DAY, 5 * DAY],
    caseType: 'coordinated', duplicate: [30, days(7)],
  }),
  sub('C0209', t('交通標誌牌', '交通标志牌', 'Traffic sign'), {
    register: t('標誌牌缺失、傾倒、遮擋或內容錯誤', '标志牌缺失、倾倒、遮挡或内容错误', 'Sign missing, knocked down, hidden or wrong'),
    close: t('標誌牌補齊、扶正或更正，清晰可見', '标志牌补齐、扶正或更正，清晰可见', 'Sign replaced, righted or corrected and clearly visible'),
    department: 'traffic', base: 'working', handle: [DAY / 2, 2 * DAY, 3 * DAY],
    caseType: 'committed', duplicate: [20, days(7)],
  }),
  sub('C0211', t('交通護欄', '交通护栏', 'Traffic guardrail'), {
    register: t(
      '護欄缺失、斷裂、傾倒或侵入車道',
      '护栏缺失、断裂、倾倒或侵入车道',
      'Guardrail missing, broken, knocked over or intruding into the lane',
    ),
    close: t('護欄修復或更換，安裝牢固', '护栏修复或更换，安装牢固', 'Guardrail repaired or replaced and firmly fixed'),
    department: 'traffic', base: 'working', handle: [DAY / 2, 2 * DAY, 3 * DAY],
    caseType: 'committed', duplicate: [30, days(7)],
  }),
  sub('C0213', t('路名牌', '路名牌', 'Street name sign'), {
    register: t(
      '路名牌缺失、破損、字跡不清或指向錯誤',
      '路名牌缺失、破损、字迹不清或指向错误',
      'Street name sign missing, damaged, illegible or pointing the wrong way',
    ),
    close: t('路名牌修復或更換，信息正確清晰', '路名牌修复或更换，信息正确清晰', 'Sign repaired or replaced, correct and legible'),
    department: 'roads', base: 'working', handle: [DAY, 3 * DAY, 5 * DAY],
    caseType: 'committed', duplicate: [20, days(7)],
  }),
  sub('C0214', t('交通信號燈', '交通信号灯', 'Traffic signal'), {
    register: t(
      '信號燈不亮、常亮、燈色錯誤或燈杆損壞',
      '信号灯不亮、常亮、灯色错误或灯杆损坏',
      'Signal dark, stuck, showing wrong colours or pole damaged',
    ),
    close: t('信號燈恢復正常運行', '信号灯恢复正常运行', 'Signal working normally again'),
    department: 'traffic', base: 'natural', handle: [30, 120, hours(8)],
    caseType: 'committed', duplicate: [30, days(1)],
  }),
  // C03 市容環境 cityscape and sanitation
  sub('C0301', t('公共廁所', '公共厕所', 'Public toilet'), {
    register: t(
      '公廁髒汙、設施損壞、無故關閉或缺少用品',
      '公厕脏污、设施损坏、无故关闭或缺少用品',
      'Toilet dirty, fittings broken, closed without reason or out of supplies',
    ),
    close: t('公廁清潔、設施修復並正常開放', '公厕清洁、设施修复并正常开放', 'Toilet clean, fittings repaired and open'),
    department: 'sanitation', base: 'working', handle: [120, DAY / 2, DAY],
    caseType: 'immediate', duplicate: [30, days(1)],
  }),
  sub('C0302', t('化糞池', '化粪池', 'Septic tank'), {
    register: t('化糞池滿溢、蓋板破損或散發惡臭', '化粪池满溢、盖板破损或散发恶臭', 'Septic tank overflowing, lid broken or foul smell'),
    close: t('化糞池清掏完畢，蓋板完好，無外溢', '化粪池清掏完毕，盖板完好，无外溢', 'Tank emptied, lid intact, no overflow'),
    department: 'sanitation', base: 'working', handle: [60, DAY / 2, DAY],
    caseType: 'committed', duplicate: [30, days(1)],
  }),
  sub('C0304', t('垃圾間（樓）', '垃圾间（楼）', 'Refuse room'), {
    register: t(
      '垃圾間破損、滿溢、門窗損壞或周邊髒亂',
      '垃圾间破损、满溢、门窗损坏或周边脏乱',
      'Refuse room damaged, overflowing, doors broken or surroundings dirty',
    ),
    close: t('垃圾間清運完畢、設施修復、周邊整潔', '垃圾间清运完毕、设施修复、周边整洁', 'Room emptied, repaired and surroundings clean'),
    department: 'sanitation', base: 'working', handle: [DAY / 2, DAY, 2 * DAY],
    caseType: 'committed', duplicate: [30, days(1)],
  }),
  sub('C0305', t('垃圾箱', '垃圾箱', 'Litter bin'), {
    register: t('垃圾箱缺失、破損、傾倒或滿溢', '垃圾箱缺失、破损、倾倒或满溢', 'Bin missing, broken, knocked over or overflowing'),
    close: t('垃圾箱補齊、修復或清空，擺放整齊', '垃圾箱补齐、修复或清空，摆放整齐', 'Bin replaced, repaired or emptied and set upright'),
    department: 'sanitation', base: 'working', handle: [DAY / 2, DAY, 2 * DAY],
    caseType: 'immediate', duplicate: [20, days(1)],
    attributes: LITTER_BIN_ATTRIBUTES,
  }),
  sub('C0307', t('廣告牌匾', '广告牌匾', 'Shop sign and billboard'), {
    register: t('牌匾破損、鬆動、殘缺或存在墜落隱患', '牌匾破损、松动、残缺或存在坠落隐患', 'Sign damaged, loose, incomplete or at risk of falling'),
    close: t('牌匾修復、加固或拆除，無墜落隱患', '牌匾修复、加固或拆除，无坠落隐患', 'Sign repaired, secured or removed; no risk of falling'),
    department: 'urban_management', base: 'working', handle: [120, DAY, 5 * DAY],
    caseType: 'committed', duplicate: [20, days(7)],
  }),
  // C04 園林綠化 parks and greenery
  sub('C0401', t('古樹名木', '古树名木', 'Heritage tree'), {
    register: t(
      '古樹名木受損、病蟲害、傾斜或保護設施損壞',
      '古树名木受损、病虫害、倾斜或保护设施损坏',
      'Heritage tree damaged, diseased, leaning or its protection damaged',
    ),
    close: t('古樹救護完成，保護設施修復', '古树救护完成，保护设施修复', 'Tree treated and its protection repaired'),
    department: 'gardens', base: 'working', handle: [DAY / 2, 2 * DAY, 5 * DAY],
    caseType: 'coordinated', duplicate: [20, days(7)],
  }),
  sub('C0402', t('行道樹', '行道树', 'Street tree'), {
    register: t(
      '行道樹倒伏、斷枝、枯死或遮擋交通標誌、信號燈',
      '行道树倒伏、断枝、枯死或遮挡交通标志、信号灯',
      'Street tree fallen, branches broken, dead, or hiding signs or signals',
    ),
    close: t('倒伏樹木清理或扶正，斷枝修剪，遮擋消除', '倒伏树木清理或扶正，断枝修剪，遮挡消除', 'Tree cleared or righted, branches trimmed, view restored'),
    department: 'gardens', base: 'working', handle: [120, DAY, 3 * DAY],
    caseType: 'committed', duplicate: [30, days(3)],
  }),
  sub('C0403', t('護樹設施', '护树设施', 'Tree pit cover and guard'), {
    register: t(
      '樹池箅子、護欄缺失或破損，影響通行',
      '树池箅子、护栏缺失或破损，影响通行',
      'Tree pit grate or guard missing or broken, obstructing passage',
    ),
    close: t('護樹設施補齊或修復', '护树设施补齐或修复', 'Tree pit grate or guard replaced or repaired'),
    department: 'gardens', base: 'working', handle: [DAY, 3 * DAY, 5 * DAY],
    caseType: 'committed', duplicate: [20, days(7)],
  }),
  sub('C0405', t('綠地', '绿地', 'Green space'), {
    register: t(
      '綠地植被缺損、黃土裸露或設施損壞',
      '绿地植被缺损、黄土裸露或设施损坏',
      'Planting missing, bare soil or fittings damaged in a green space',
    ),
    close: t('綠地補植完成、裸土覆蓋、設施修復', '绿地补植完成、裸土覆盖、设施修复', 'Replanted, bare soil covered and fittings repaired'),
    department: 'gardens', base: 'working', handle: [DAY, 3 * DAY, 5 * DAY],
    caseType: 'committed', duplicate: [50, days(7)],
  }),
  sub('C0407', t('街頭座椅', '街头座椅', 'Street bench'), {
    register: t('座椅破損、缺失或不穩固', '座椅破损、缺失或不稳固', 'Bench broken, missing or unstable'),
    close: t('座椅修復或更換，穩固可用', '座椅修复或更换，稳固可用', 'Bench repaired or replaced and stable'),
    department: 'gardens', base: 'working', handle: [DAY, 3 * DAY, 5 * DAY],
    caseType: 'committed', duplicate: [20, days(7)],
  }),
  // C05 房屋土地 buildings and land
  sub('C0501', t('宣傳欄', '宣传栏', 'Notice board'), {
    register: t('宣傳欄破損、內容過期或存在倒塌隱患', '宣传栏破损、内容过期或存在倒塌隐患', 'Notice board damaged, out of date or at risk of collapse'),
    close: t('宣傳欄修復、內容更新或依規拆除', '宣传栏修复、内容更新或依规拆除', 'Board repaired, updated or lawfully removed'),
    department: 'housing', base: 'working', handle: [DAY, 3 * DAY, 5 * DAY],
    caseType: 'committed', duplicate: [20, days(7)],
  }),
  sub('C0502', t('人防工事', '人防工事', 'Civil air-defence shelter'), {
    register: t(
      '人防工事出入口破損、積水或被違規佔用',
      '人防工事出入口破损、积水或被违规占用',
      'Shelter entrance damaged, flooded or occupied without permission',
    ),
    close: t('工事修復、排水完畢或清退佔用', '工事修复、排水完毕或清退占用', 'Shelter repaired, drained or vacated'),
    department: 'housing', base: 'working', handle: [DAY, 3 * DAY, 7 * DAY],
    caseType: 'coordinated', duplicate: [30, days(7)],
  }),
  // C06 其他設施 other facilities
  sub('C0601', t('重大危險源', '重大危险源', 'Major hazard installation'), {
    register: t(
      '危險源設施異常、洩漏或安全防護缺失',
      '危险源设施异常、泄漏或安全防护缺失',
      'Hazard installation abnormal, leaking or missing its safeguards',
    ),
    close: t('險情排除，防護措施恢復', '险情排除，防护措施恢复', 'Danger removed and safeguards restored'),
    department: 'fire', base: 'natural', handle: [30, 120, hours(8)],
    caseType: 'coordinated', duplicate: [100, days(1)],
  }),
  sub('C0602', t('工地', '工地', 'Construction site'), {
    register: t(
      '工地圍擋缺失或破損、出入口未硬化或未設沖洗設施',
      '工地围挡缺失或破损、出入口未硬化或未设冲洗设施',
      'Site hoarding missing or damaged, entrance unpaved or without wheel wash',
    ),
    close: t('圍擋修復、出入口整改到位', '围挡修复、出入口整改到位', 'Hoarding repaired and entrance brought up to standard'),
    department: 'housing', base: 'working', handle: [DAY / 2, DAY, 3 * DAY],
    caseType: 'committed', duplicate: [100, days(7)],
  }),
  sub('C0603', t('水域附屬設施', '水域附属设施', 'Waterside facility'), {
    register: t(
      '河道護欄、台階、救生設施破損或缺失',
      '河道护栏、台阶、救生设施破损或缺失',
      'Riverside railings, steps or life-saving equipment damaged or missing',
    ),
    close: t('附屬設施修復或補齊', '附属设施修复或补齐', 'Facilities repaired or replaced'),
    department: 'water', base: 'working', handle: [DAY / 2, 3 * DAY, 5 * DAY],
    caseType: 'committed', duplicate: [30, days(7)],
  }),
  // E01 市容環境 cityscape and sanitation
  sub('E0101', t('私搭亂建', '私搭乱建', 'Illegal construction'), {
    register: t(
      '未經批准新建、擴建或搭建建（構）築物',
      '未经批准新建、扩建或搭建建（构）筑物',
      'A building or structure built or extended without approval',
    ),
    close: t('違法建設依法拆除或補辦手續', '违法建设依法拆除或补办手续', 'The structure lawfully demolished or legalised'),
    department: 'urban_management', base: 'working', handle: [5 * DAY, 10 * DAY, 15 * DAY],
    caseType: 'coordinated', duplicate: [30, days(30)], reporterMayVerify: false,
    attributes: ILLEGAL_CONSTRUCTION_ATTRIBUTES,
  }),
  sub('E0102', t('暴露垃圾', '暴露垃圾', 'Exposed garbage'), {
    register: t(
      '公共區域可見成堆或散落的生活垃圾',
      '公共区域可见成堆或散落的生活垃圾',
      'Household waste lying in heaps or scattered in a public place',
    ),
    close: t('垃圾清除，地面整潔', '垃圾清除，地面整洁', 'Waste removed, ground clean'),
    department: 'sanitation', base: 'working', handle: [120, DAY / 2, DAY],
    caseType: 'immediate', duplicate: [50, days(1)],
  }),
  sub('E0103', t('積存垃圾渣土', '积存垃圾渣土', 'Accumulated rubbish and spoil'), {
    register: t(
      '垃圾或渣土長期堆積，面積或體量較大',
      '垃圾或渣土长期堆积，面积或体量较大',
      'Rubbish or construction spoil piled up over time in quantity',
    ),
    close: t('垃圾渣土清運完畢，場地平整', '垃圾渣土清运完毕，场地平整', 'Rubbish and spoil carted away, site levelled'),
    department: 'sanitation', base: 'working', handle: [DAY / 2, DAY, 2 * DAY],
    caseType: 'committed', duplicate: [50, days(3)],
  }),
  sub('E0104', t('道路不潔', '道路不洁', 'Road not clean'), {
    register: t('路面有明顯汙物、油漬或未清掃', '路面有明显污物、油渍或未清扫', 'Visible dirt, oil stains or unswept litter on the road'),
    close: t('路面清掃乾淨', '路面清扫干净', 'Road swept clean'),
    department: 'sanitation', base: 'working', handle: [60, 120, 300],
    caseType: 'immediate', duplicate: [50, days(1)],
  }),
  sub('E0105', t('水域不潔', '水域不洁', 'Polluted waterway'), {
    register: t('河道、湖面有漂浮垃圾、油汙或異味', '河道、湖面有漂浮垃圾、油污或异味', 'Floating rubbish, oil or a bad smell on a river or lake'),
    close: t('水面清理乾淨，無漂浮物', '水面清理干净，无漂浮物', 'Water surface cleaned, nothing floating'),
    department: 'water', base: 'working', handle: [DAY / 2, DAY, 2 * DAY],
    caseType: 'committed', duplicate: [100, days(1)],
  }),
  sub('E0106', t('綠地髒亂', '绿地脏乱', 'Littered green space'), {
    register: t('綠地內有垃圾、雜物或枯枝落葉堆積', '绿地内有垃圾、杂物或枯枝落叶堆积', 'Litter, clutter or dead leaves piled in a green space'),
    close: t('綠地清理乾淨', '绿地清理干净', 'Green space cleaned'),
    department: 'gardens', base: 'working', handle: [DAY / 2, DAY, 2 * DAY],
    caseType: 'immediate', duplicate: [50, days(1)],
  }),
  sub('E0107', t('廢棄車輛', '废弃车辆', 'Abandoned vehicle'), {
    register: t(
      '車輛長期停放無人使用，破損或積塵嚴重',
      '车辆长期停放无人使用，破损或积尘严重',
      'Vehicle left unused for a long time, damaged or thick with dust',
    ),
    close: t('車輛被車主移走或依法拖離', '车辆被车主移走或依法拖离', 'Vehicle moved by its owner or lawfully towed'),
    department: 'urban_management', base: 'working', handle: [DAY, 5 * DAY, 10 * DAY],
    caseType: 'coordinated', duplicate: [20, days(30)],
    attributes: ABANDONED_VEHICLE_ATTRIBUTES,
  }),
  sub('E0108', t('廢棄家具設備', '废弃家具设备', 'Dumped furniture and appliances'), {
    register: t(
      '公共區域堆放廢棄家具、家電等大件垃圾',
      '公共区域堆放废弃家具、家电等大件垃圾',
      'Discarded furniture, appliances or other bulky waste in a public place',
    ),
    close: t('大件垃圾清運完畢', '大件垃圾清运完毕', 'Bulky waste carted away'),
    department: 'sanitation', base: 'working', handle: [DAY / 2, DAY, 2 * DAY],
    caseType: 'immediate', duplicate: [30, days(3)],
  }),
  sub('E0109', t('非裝飾性樹掛', '非装饰性树挂', 'Non-decorative items in trees'), {
    register: t(
      '樹上懸掛雜物、晾曬衣物或纏繞廢棄物',
      '树上悬挂杂物、晾晒衣物或缠绕废弃物',
      'Rubbish, laundry or waste hanging in or wrapped round trees',
    ),
    close: t('樹掛物清除', '树挂物清除', 'Items removed from the trees'),
    department: 'gardens', base: 'working', handle: [120, DAY, 2 * DAY],
    caseType: 'immediate', duplicate: [30, days(3)],
  }),
  // E02 宣傳廣告 advertising
  sub('E0201', t('非法小廣告', '非法小广告', 'Illegal flyers'), {
    register: t(
      '在牆面、設施上張貼、噴塗或刻畫小廣告',
      '在墙面、设施上张贴、喷涂或刻画小广告',
      'Flyers posted, sprayed or scratched on walls or street furniture',
    ),
    close: t('小廣告清除，表面恢復原貌', '小广告清除，表面恢复原貌', 'Flyers removed, surface restored'),
    department: 'urban_management', base: 'working', handle: [120, DAY / 2, DAY],
    caseType: 'immediate', duplicate: [30, days(3)],
  }),
  sub('E0202', t('違章張貼懸掛廣告牌匾', '违章张贴悬挂广告牌匾', 'Unauthorised banners and signs'), {
    register: t('未經批准懸掛橫幅、布標或設置廣告牌匾', '未经批准悬挂横幅、布标或设置广告牌匾', 'Banners or signs put up without approval'),
    close: t('違章廣告拆除或補辦審批', '违章广告拆除或补办审批', 'Removed or approved retrospectively'),
    department: 'urban_management', base: 'working', handle: [DAY, 3 * DAY, 5 * DAY],
    caseType: 'committed', duplicate: [30, days(7)],
  }),
  sub('E0203', t('佔道廣告牌', '占道广告牌', 'Advertising board on the pavement'), {
    register: t('廣告牌、展板擺放佔用道路或人行道', '广告牌、展板摆放占用道路或人行道', 'Advertising boards standing on the road or pavement'),
    close: t('佔道廣告牌撤除', '占道广告牌撤除', 'Boards removed from the public way'),
    department: 'urban_management', base: 'working', handle: [DAY / 2, DAY, 3 * DAY],
    caseType: 'immediate', duplicate: [30, days(1)],
  }),
  sub('E0204', t('街頭散發小廣告', '街头散发小广告', 'Handing out flyers in the street'), {
    register: t('有人在街頭散發廣告傳單', '有人在街头散发广告传单', 'People handing out leaflets in the street'),
    close: t('散發行為制止，散落傳單清理', '散发行为制止，散落传单清理', 'Activity stopped and dropped leaflets cleared'),
    department: 'urban_management', base: 'working', handle: [60, 120, DAY / 2],
    caseType: 'immediate', duplicate: [100, hours(4)], reporterMayVerify: false, afterPhotoRequired: false,
  }),
  // E03 施工管理 construction
  sub('E0301', t('施工擾民', '施工扰民', 'Construction noise'), {
    register: t(
      '施工噪聲、強光在禁止時段影響居民休息',
      '施工噪声、强光在禁止时段影响居民休息',
      'Construction noise or floodlights disturbing residents during restricted hours',
    ),
    close: t(
      '違規施工停止或取得夜間施工許可並採取降噪措施',
      '违规施工停止或取得夜间施工许可并采取降噪措施',
      'Work stopped, or permitted and with noise controls in place',
    ),
    department: 'urban_management', base: 'working', handle: [60, DAY / 2, DAY],
    caseType: 'coordinated', duplicate: [200, days(1)], afterPhotoRequired: false,
    attributes: CONSTRUCTION_NOISE_ATTRIBUTES,
  }),
  sub('E0302', t('工地揚塵', '工地扬尘', 'Construction dust'), {
    register: t('工地未覆蓋、未灑水，揚塵明顯', '工地未覆盖、未洒水，扬尘明显', 'Site uncovered or unwatered, visibly raising dust'),
    close: t('裸土覆蓋、灑水降塵措施落實', '裸土覆盖、洒水降尘措施落实', 'Bare earth covered and dust suppression in place'),
    department: 'housing', base: 'working', handle: [120, DAY, 2 * DAY],
    caseType: 'committed', duplicate: [200, days(1)],
  }),
  sub('E0304', t('道路遺撒', '道路遗撒', 'Spillage on the road'), {
    register: t('運輸車輛在道路上遺撒渣土、砂石或泥漿', '运输车辆在道路上遗撒渣土、砂石或泥浆', 'Spoil, gravel or mud spilled on the road by vehicles'),
    close: t('遺撒物清除，路面清潔', '遗撒物清除，路面清洁', 'Spillage cleared, road clean'),
    department: 'sanitation', base: 'working', handle: [60, 120, 300],
    caseType: 'immediate', duplicate: [100, hours(12)],
  }),
  sub('E0305', t('施工廢棄料', '施工废弃料', 'Construction waste'), {
    register: t('施工廢料堆放在工地外或未及時清運', '施工废料堆放在工地外或未及时清运', 'Construction waste left outside the site or not carted away'),
    close: t('廢棄料清運完畢，場地清潔', '废弃料清运完毕，场地清洁', 'Waste carted away, area clean'),
    department: 'housing', base: 'working', handle: [DAY / 2, 2 * DAY, 3 * DAY],
    caseType: 'committed', duplicate: [50, days(3)],
  }),
  // E04 突發事件 emergencies
  sub('E0401', t('路面塌陷', '路面塌陷', 'Road collapse'), {
    register: t('路面出現塌陷、坑洞或明顯沉降', '路面出现塌陷、坑洞或明显沉降', 'The road surface has collapsed, holed or visibly subsided'),
    close: t('塌陷處回填修復，路面恢復通行', '塌陷处回填修复，路面恢复通行', 'Hole filled and repaired, road reopened'),
    department: 'roads', base: 'natural', handle: [30, 60, 120],
    caseType: 'coordinated', duplicate: [50, hours(12)], reporterMayVerify: false,
  }),
  sub('E0402', t('自來水管破裂', '自来水管破裂', 'Burst water main'), {
    register: t('供水管道破裂，路面冒水或大面積漏水', '供水管道破裂，路面冒水或大面积漏水', 'A water pipe has burst: water gushing or leaking widely'),
    close: t('管道搶修完畢，恢復供水，路面無積水', '管道抢修完毕，恢复供水，路面无积水', 'Pipe repaired, supply restored, no standing water'),
    department: 'water', base: 'natural', handle: [30, 60, 120],
    caseType: 'coordinated', duplicate: [100, hours(12)], reporterMayVerify: false,
  }),
  sub('E0403', t('燃氣管道破裂', '燃气管道破裂', 'Gas pipe rupture'), {
    register: t('燃氣管道破損洩漏或聞到明顯燃氣味', '燃气管道破损泄漏或闻到明显燃气味', 'Gas pipe damaged and leaking, or a strong smell of gas'),
    close: t('洩漏點封堵修復，現場檢測安全', '泄漏点封堵修复，现场检测安全', 'Leak sealed and repaired, site tested safe'),
    department: 'fire', base: 'natural', handle: [30, 45, 60],
    caseType: 'coordinated', duplicate: [200, hours(12)], reporterMayVerify: false,
  }),
  sub('E0404', t('下水道堵塞或破損', '下水道堵塞或破损', 'Blocked or damaged sewer'), {
    register: t('下水道堵塞、冒溢或管道破損', '下水道堵塞、冒溢或管道破损', 'Sewer blocked, overflowing or damaged'),
    close: t('管道疏通或修復，無冒溢', '管道疏通或修复，无冒溢', 'Sewer cleared or repaired, no overflow'),
    department: 'water', base: 'natural', handle: [60, 120, hours(4)],
    caseType: 'committed', duplicate: [50, hours(12)],
  }),
  sub('E0406', t('道路積水', '道路积水', 'Flooded road'), {
    register: t('路面積水影響車輛或行人通行', '路面积水影响车辆或行人通行', 'Standing water on the road obstructing vehicles or pedestrians'),
    close: t('積水排除，道路恢復通行', '积水排除，道路恢复通行', 'Water drained, road passable'),
    department: 'water', base: 'natural', handle: [30, 60, 120],
    caseType: 'coordinated', duplicate: [100, hours(6)],
    attributes: FLOODING_ATTRIBUTES,
  }),
  sub('E0407', t('道路積雪結冰', '道路积雪结冰', 'Snow and ice on the road'), {
    register: t('道路、人行道積雪或結冰影響通行安全', '道路、人行道积雪或结冰影响通行安全', 'Snow or ice on roads or pavements endangering traffic'),
    close: t('積雪清除，冰面處理，通行安全', '积雪清除，冰面处理，通行安全', 'Snow cleared, ice treated, safe to pass'),
    department: 'sanitation', base: 'natural', handle: [60, 120, hours(4)],
    caseType: 'coordinated', duplicate: [100, hours(12)],
  }),
  sub('E0408', t('架空線纜損壞', '架空线缆损坏', 'Damaged overhead cables'), {
    register: t(
      '架空線纜斷落、垂落或纏繞，影響通行或存在安全隱患',
      '架空线缆断落、垂落或缠绕，影响通行或存在安全隐患',
      'Overhead cables down, sagging or tangled, obstructing passage or unsafe',
    ),
    close: t('線纜修復、綁紮或拆除，無垂落', '线缆修复、绑扎或拆除，无垂落', 'Cables repaired, tied up or removed; nothing hanging'),
    department: 'telecom', base: 'natural', handle: [60, hours(4), hours(24)],
    caseType: 'committed', duplicate: [50, days(1)],
  }),
  sub('E0451', t('消防通道堵塞', '消防通道堵塞', 'Blocked fire lane'), {
    register: t('消防通道被車輛、雜物或設施佔用堵塞', '消防通道被车辆、杂物或设施占用堵塞', 'Fire lane blocked by vehicles, objects or structures'),
    close: t('佔用物清除，消防通道暢通', '占用物清除，消防通道畅通', 'Obstruction removed, fire lane clear'),
    department: 'fire', base: 'natural', handle: [30, 60, 120],
    caseType: 'immediate', duplicate: [50, hours(6)],
  }),
  // E05 街面秩序 street order
  sub('E0501', t('無照經營遊商', '无照经营游商', 'Unlicensed street vendors'), {
    register: t(
      '流動攤販在道路、廣場等公共區域無照經營',
      '流动摊贩在道路、广场等公共区域无照经营',
      'Mobile vendors trading without a licence in streets, squares or other public places',
    ),
    close: t('遊商勸離或依法處置，現場恢復秩序', '游商劝离或依法处置，现场恢复秩序', 'Vendors moved on or dealt with; order restored'),
    department: 'urban_management', base: 'working', handle: [60, 120, DAY / 2],
    caseType: 'immediate', duplicate: [100, hours(4)],
  }),
  sub('E0502', t('流浪乞討', '流浪乞讨', 'Vagrancy and begging'), {
    register: t('有流浪乞討人員滯留街面需要救助', '有流浪乞讨人员滞留街面需要救助', 'A homeless person or beggar in the street who needs help'),
    close: t('已勸導或護送至救助機構', '已劝导或护送至救助机构', 'Person counselled or taken to a shelter'),
    department: 'urban_management', base: 'working', handle: [60, DAY / 2, DAY],
    caseType: 'coordinated', duplicate: [200, days(1)], reporterMayVerify: false, afterPhotoRequired: false,
  }),
  sub('E0503', t('佔道廢品收購', '占道废品收购', 'Scrap collecting on the pavement'), {
    register: t('在道路、人行道上收購、堆放廢品', '在道路、人行道上收购、堆放废品', 'Buying or storing scrap on the road or pavement'),
    close: t('廢品清離，道路恢復整潔', '废品清离，道路恢复整洁', 'Scrap cleared, pavement tidy'),
    department: 'urban_management', base: 'working', handle: [120, DAY / 2, DAY],
    caseType: 'immediate', duplicate: [50, days(1)],
  }),
  sub('E0504', t('店外經營', '店外经营', 'Trading outside the shop'), {
    register: t(
      '商鋪超出門窗在店外擺放商品或經營',
      '商铺超出门窗在店外摆放商品或经营',
      'A shop displaying goods or trading beyond its doors and windows',
    ),
    close: t('店外物品收回，恢復店內經營', '店外物品收回，恢复店内经营', 'Goods back inside; trading inside the shop'),
    department: 'urban_management', base: 'working', handle: [60, 120, DAY / 2],
    caseType: 'immediate', duplicate: [30, days(1)],
  }),
  sub('E0505', t('機動車亂停放', '机动车乱停放', 'Illegal parking'), {
    register: t(
      '機動車停放在禁停區域、人行道或堵塞通道',
      '机动车停放在禁停区域、人行道或堵塞通道',
      'Car parked in a no-parking zone, on the pavement or blocking a way',
    ),
    close: t('車輛駛離或被依法處置', '车辆驶离或被依法处置', 'Vehicle gone or dealt with by law'),
    department: 'traffic', base: 'working', handle: [30, 60, 120],
    caseType: 'immediate', duplicate: [20, hours(2)],
    attributes: ILLEGAL_PARKING_ATTRIBUTES,
  }),
  sub('E0506', t('非機動車亂停放', '非机动车乱停放', 'Bicycles parked in the way'), {
    register: t(
      '自行車、電動車、共享單車無序停放影響通行',
      '自行车、电动车、共享单车无序停放影响通行',
      'Bicycles, e-bikes or shared bikes parked in disorder, obstructing passage',
    ),
    close: t('車輛清理或規範擺放', '车辆清理或规范摆放', 'Bikes cleared or neatly parked'),
    department: 'urban_management', base: 'working', handle: [60, 120, DAY / 2],
    caseType: 'immediate', duplicate: [30, hours(4)],
  }),
  sub('E0507', t('亂堆物堆料', '乱堆物堆料', 'Materials piled in public space'), {
    register: t(
      '在道路、樓道或公共區域堆放雜物、物料',
      '在道路、楼道或公共区域堆放杂物、物料',
      'Objects or materials piled on roads, stairwells or other public space',
    ),
    close: t('堆放物清除，公共空間恢復', '堆放物清除，公共空间恢复', 'Piles removed, public space restored'),
    department: 'urban_management', base: 'working', handle: [120, DAY / 2, DAY],
    caseType: 'immediate', duplicate: [30, days(1)],
  }),
  sub('E0508', t('商業噪音', '商业噪音', 'Commercial noise'), {
    register: t(
      '商鋪使用高音喇叭、音響招攬顧客擾民',
      '商铺使用高音喇叭、音响招揽顾客扰民',
      'Shops using loudspeakers or music to attract customers, disturbing residents',
    ),
    close: t('噪聲源關閉或音量降至標準以內', '噪声源关闭或音量降至标准以内', 'Noise source switched off or turned down within limits'),
    department: 'urban_management', base: 'working', handle: [60, 120, DAY / 2],
    caseType: 'immediate', duplicate: [100, days(1)], afterPhotoRequired: false,
  }),
  sub('E0510', t('露天燒烤', '露天烧烤', 'Open-air barbecue'), {
    register: t(
      '在道路、廣場等公共區域露天燒烤，產生油煙',
      '在道路、广场等公共区域露天烧烤，产生油烟',
      'Barbecuing in streets, squares or other public places, giving off smoke',
    ),
    close: t('燒烤行為停止，爐具撤離，現場清潔', '烧烤行为停止，炉具撤离，现场清洁', 'Barbecuing stopped, grills removed, site clean'),
    department: 'urban_management', base: 'natural', handle: [30, 60, 120],
    caseType: 'immediate', duplicate: [100, hours(6)],
  }),
];

function freezeDeep<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) freezeDeep(v);
  }
  return value;
}

// Shared seed objects handed out to every caller: frozen, so that one caller's edit cannot leak into another's.
freezeDeep(CATEGORIES);
freezeDeep(MAJOR_CLASSES);
freezeDeep(CATEGORY_FAMILIES);

const BY_CODE: ReadonlyMap<string, Category> = new Map(CATEGORIES.map((c) => [c.code, c]));

export function categoryByCode(code: string): Category | undefined {
  return BY_CODE.get(code);
}

/** Families → major classes → sub-categories, as fresh objects the caller may reshape. */
export function categoryTree(): CategoryNode[] {
  return CATEGORY_FAMILIES.map((family) => ({
    code: family.code,
    names: { ...family.names },
    children: MAJOR_CLASSES.filter((major) => major.type === family.type).map((major) => ({
      code: major.code,
      names: { ...major.names },
      children: CATEGORIES.filter((c) => c.majorCode === major.code).map((c) => ({
        code: c.code,
        names: { ...c.names },
        children: [],
      })),
    })),
  }));
}

export function handleLimit(category: Category, priority: Priority): number {
  return category.limits.handle[priority];
}

/** The limit of any stage; only handling depends on the priority. */
export function stageLimit(category: Category, stage: Stage, priority: Priority = 'normal'): number {
  return stage === 'handle' ? handleLimit(category, priority) : category.limits[stage];
}
