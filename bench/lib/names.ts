/**
 * Chinese names with a realistic distribution, for ten million synthetic residents. Surnames follow the published
 * frequencies (王 7.1%, 李 7.0%, 张 6.5% … the hundred commonest cover about 86%, then a long tail), given names depend
 * on the decade of birth (建国 and 秀英 before 1965, 伟 and 丽 in the seventies, 浩然 and 子涵 after 2000) and on
 * gender, and a third of them are drawn from the era's common names so that 张伟 or 王芳 repeat as often as they do in
 * life, the rest combined from the era's characters (the long tail that fuzzy search has to cope with).
 */
import type { Rng } from '../../src/demo/prng.ts';

// The hundred commonest surnames in rank order with their share in percent (Ministry of Public Security, 2020).
const TOP = '王李张刘陈杨黄赵吴周徐孙马朱胡郭何林高罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈';
const TOP_SHARE = [
  7.12, 6.98, 6.49, 5.38, 4.61, 3.22, 2.45, 2.19, 2.03, 1.93, 1.5, 1.48, 1.44, 1.32, 1.3, 1.18, 1.16, 1.14, 1.13, 1.04, 0.99,
  0.96, 0.8, 0.77, 0.76, 0.72, 0.71, 0.69, 0.68, 0.67, 0.64, 0.63, 0.62, 0.61, 0.59, 0.56, 0.55, 0.54, 0.53, 0.52, 0.51, 0.5,
  0.49, 0.48, 0.47, 0.46, 0.45, 0.44, 0.43, 0.42,
];
// Ranks 51–100: from 0.41% down to 0.16%.
const NEXT = '姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤';
// The tail: rarer surnames sharing what is left (about 14%), a few compound ones among them.
const TAIL = [
  ...'常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝',
  '欧阳',
  '司马',
  '上官',
  '诸葛',
  '东方',
];

interface Table {
  items: string[];
  cumulative: Float64Array;
}

function table(entries: Array<readonly [string, number]>): Table {
  const cumulative = new Float64Array(entries.length);
  let sum = 0;
  entries.forEach(([, w], i) => {
    sum += w;
    cumulative[i] = sum;
  });
  for (let i = 0; i < cumulative.length; i++) cumulative[i]! /= sum;
  return { items: entries.map(([s]) => s), cumulative };
}

function draw(t: Table, rng: Rng): string {
  const x = rng();
  let lo = 0;
  let hi = t.cumulative.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (t.cumulative[mid]! > x) hi = mid;
    else lo = mid + 1;
  }
  return t.items[lo]!;
}

const SURNAMES = table([
  ...[...TOP].map((s, i) => [s, TOP_SHARE[i]!] as const),
  ...[...NEXT].map((s, i) => [s, 0.41 - (0.25 * i) / 49] as const),
  ...TAIL.map((s, i) => [s, (0.14 * 2 * (TAIL.length - i)) / (TAIL.length * (TAIL.length + 1)) * 100] as const),
]);

export function surname(rng: Rng): string {
  return draw(SURNAMES, rng);
}

type Era = 0 | 1 | 2 | 3;

/** Birth year → naming era: before 1965, 1965–1984, 1985–1999, 2000 and later. */
export function eraOf(birthYear: number): Era {
  return birthYear < 1965 ? 0 : birthYear < 1985 ? 1 : birthYear < 2000 ? 2 : 3;
}

// Common given names per era, commonest first (weights fall off as 1/rank).
const COMMON: Record<'male' | 'female', readonly string[][]> = {
  male: [
    '建国 国华 建华 志强 德明 国强 建军 永福 振华 文华 明 华 军 强 伟 忠 林 德华 秀山 玉林 国庆 卫东 建平 金山 长顺'.split(' '),
    '伟 勇 军 磊 涛 斌 强 鹏 杰 峰 超 波 辉 刚 健 明 亮 俊 飞 凯 浩 东 海 志强 建华 海涛 志刚 晓东 建军 小龙 永刚 立新'.split(' '),
    '磊 鹏 浩 超 杰 帅 宇 旭 阳 鑫 博 晨 俊杰 浩然 子豪 宇航 文博 志伟 家豪 明轩 天宇 思远 一鸣 晓峰 振宇'.split(' '),
    '浩然 子轩 宇轩 梓豪 俊熙 一诺 浩宇 子墨 宇航 皓轩 梓睿 奕辰 沐阳 子豪 睿 轩 铭 辰 泽 宸 梓轩 锦程 思源 明哲'.split(' '),
  ],
  female: [
    '秀英 桂英 秀兰 玉兰 桂兰 淑珍 凤英 玉珍 秀珍 玉英 兰英 秀云 桂珍 淑英 英 兰 珍 芳 华 玉梅 素芬 秀荣 翠兰'.split(' '),
    '丽 敏 静 艳 芳 娟 霞 燕 红 玲 萍 丽华 秀梅 丽娟 海燕 晓红 春梅 红梅 丽萍 雪梅 晓燕 美玲 淑华 亚男'.split(' '),
    '婷 静 倩 雪 琳 颖 丹 佳 悦 婷婷 晶晶 丹丹 欣 敏 瑶 思雨 佳怡 欣怡 梦琪 雨婷 晓雪 佳慧 文静 雅琴'.split(' '),
    '子涵 梓涵 一诺 欣怡 梓萱 诗涵 雨涵 可馨 语桐 若汐 依诺 思琪 梦瑶 紫涵 欣妍 梓晨 雨桐 沐晴 安琪 诗琪 芷若'.split(' '),
  ],
};

// Characters people combine into the rest of the given names, per era.
const CHARS: Record<'male' | 'female', readonly string[]> = {
  male: ['国建志德文明华永振忠福贵金山林海春光庆', '伟强军明华建国志文海东杰涛鹏斌波辉刚健俊峰飞新平', '磊超浩宇博晨鑫阳帅旭俊杰鹏辉龙天家嘉文凯', '轩睿泽辰宸铭梓子浩宇一诺博瑞锦奕沐皓逸航'],
  female: ['秀英兰珍淑玉桂凤芳华云荣梅素翠金香琴', '丽芳静敏燕红霞娟玲萍秀英梅兰艳莉晓春雪美', '婷雪琳颖欣怡佳悦思雨晶倩丹瑶洁慧雅琪璐蕾', '涵萱诗梦瑶琪妍彤梓欣一可语若汐依紫沐晴安芷'],
};

/** Share of one-character given names per era. */
const SINGLE = [0.2, 0.32, 0.22, 0.08];

const COMMON_TABLES = {
  male: COMMON.male.map((names) => table(names.map((n, i) => [n, 1 / (i + 1)] as const))),
  female: COMMON.female.map((names) => table(names.map((n, i) => [n, 1 / (i + 1)] as const))),
};

export function givenName(rng: Rng, female: boolean, era: Era): string {
  const g = female ? 'female' : 'male';
  if (rng() < 0.35) return draw(COMMON_TABLES[g][era]!, rng);
  const chars = CHARS[g][era]!;
  const one = () => chars[Math.floor(rng() * chars.length)]!;
  return rng() < SINGLE[era]! ? one() : one() + one();
}

/** A full name: surname and given name, Han script, no separator. */
export function personName(rng: Rng, female: boolean, birthYear: number, family?: string): string {
  return (family ?? surname(rng)) + givenName(rng, female, eraOf(birthYear));
}
