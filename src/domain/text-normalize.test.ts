import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildingKeysOf, nameSearchKey, normalizeAddress, toSimplified, toTraditional } from './text-normalize.ts';

describe('toSimplified and toTraditional', () => {
  it('converts standard, Taiwan and Hong Kong traditional forms to simplified', () => {
    expect(toSimplified('張三')).toBe('张三');
    expect(toSimplified('北京市東城區')).toBe('北京市东城区');
    expect(toSimplified('臺灣')).toBe('台湾');
    // Hong Kong's 衞 and Taiwan's 裡 are variants the plain traditional converter leaves alone.
    expect(toSimplified('衞生')).toBe('卫生');
    expect(toSimplified('巷子裡')).toBe('巷子里');
  });

  it('leaves simplified and non-Chinese text as it is', () => {
    expect(toSimplified('东华门街道多福巷')).toBe('东华门街道多福巷');
    expect(toSimplified('Room 301, Building 3')).toBe('Room 301, Building 3');
    expect(toSimplified('')).toBe('');
  });

  it('converts simplified to traditional, in the standard or a regional form', () => {
    expect(toTraditional('东城区多福巷')).toBe('東城區多福巷');
    expect(toTraditional('台湾', 'tw')).toBe('臺灣');
    expect(toTraditional('abc')).toBe('abc');
  });
});

// Common surnames and given-name characters, in simplified form.
const NAME_CHARS = [...'王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗郑梁谢宋唐许韩冯邓曹彭曾萧田董潘袁蔡蒋余于杜叶程苏魏吕丁任卢姚沈钟姜崔谭陆范汪廖石金韦贾夏付方邹熊白孟秦邱侯江尹薛闫段雷龙黎史陶贺毛郝顾龚邵万覃武钱戴严欧莫孔向常汤康易乔赖文伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰红凤国建志海'];

const simplifiedName = fc
  .array(fc.constantFrom(...NAME_CHARS), { minLength: 2, maxLength: 4 })
  .map((chars) => chars.join(''));

describe('nameSearchKey', () => {
  it('gives 張三, 张三 and " 张 三 " the same key', () => {
    expect(nameSearchKey('張三')).toBe('张三');
    expect(nameSearchKey('张三')).toBe('张三');
    expect(nameSearchKey(' 张 三 ')).toBe('张三');
    expect(nameSearchKey('张\u3000三')).toBe('张三');
  });

  it('folds full-width Latin, case and the separator dots of transliterated names', () => {
    expect(nameSearchKey('ＪＯＨＮ Smith')).toBe('johnsmith');
    expect(nameSearchKey('阿依古丽・买买提')).toBe(nameSearchKey('阿依古丽·买买提'));
    expect(nameSearchKey('阿依古麗‧買買提')).toBe('阿依古丽·买买提');
  });

  it('finds a simplified name from its traditional spelling, and is stable when applied twice', () => {
    fc.assert(
      fc.property(simplifiedName, fc.constantFrom<'t' | 'tw' | 'hk'>('t', 'tw', 'hk'), (name, variant) => {
        const key = nameSearchKey(name);
        expect(nameSearchKey(toTraditional(name, variant))).toBe(key);
        expect(nameSearchKey(key)).toBe(key);
        expect(nameSearchKey(` ${[...name].join(' ')} `)).toBe(key);
      }),
    );
  });
});

describe('buildingKeysOf', () => {
  it('removes the room, the unit and the floor from a door, one part at a time, longest key first', () => {
    expect(buildingKeysOf('多福巷12号院3栋2单元301')).toEqual(['多福巷12号院3栋2单元', '多福巷12号院3栋']);
    expect(buildingKeysOf('多福巷12号院3-2-301')).toEqual(['多福巷12号院3-2', '多福巷12号院3', '多福巷12号院']);
    expect(buildingKeysOf('和平里7号楼5层2户')).toEqual(['和平里7号楼5层', '和平里7号楼']);
  });

  it('keeps the building number of an address that names no door, and never leaves only digits', () => {
    expect(buildingKeysOf('多福巷12号')).toEqual([]);
    expect(buildingKeysOf('多福巷12号院3栋')).toEqual([]);
    expect(buildingKeysOf('301')).toEqual([]);
    expect(buildingKeysOf('3-2-301')).toEqual([]);
    expect(buildingKeysOf('')).toEqual([]);
  });
});

describe('normalizeAddress', () => {
  const beijing = { dropPrefixes: ['北京市', '东城区'] };
  const key = '东华门街道多福巷12号院3栋2单元301';

  it('matches a traditional address with its city and district to the short simplified one', () => {
    expect(normalizeAddress('北京市東城區東華門街道多福巷12號院3棟2單元301室', beijing)).toBe(key);
    expect(normalizeAddress('东华门街道多福巷12号院3栋2单元301室', beijing)).toBe(key);
    expect(normalizeAddress('东华门街道多福巷12号院3栋2单元301室')).toBe(key);
  });

  it('folds full-width digits, spaces, punctuation and the spellings of building and room', () => {
    expect(normalizeAddress('北京市 东城区 东华门街道 多福巷１２号院３号楼２单元３０１', beijing)).toBe(key);
    expect(normalizeAddress('东华门街道，多福巷12号院 3#楼 2单元 301室')).toBe(key);
    expect(normalizeAddress('東華門街道多福巷12號院3幢2單元301')).toBe(key);
    expect(normalizeAddress('东城区（东华门街道）多福巷12号院3栋2单元301室', beijing)).toBe(key);
  });

  it('keeps dashes as one separator, whatever their width', () => {
    expect(normalizeAddress('多福巷12号院3－2－301')).toBe('多福巷12号院3-2-301');
    expect(normalizeAddress('多福巷12号院3—2–301')).toBe('多福巷12号院3-2-301');
  });

  it('drops prefixes only at the start, in any order and script, and never the whole address', () => {
    expect(normalizeAddress('北京市东城区东华门街道', { dropPrefixes: ['東城區', '北京市'] })).toBe('东华门街道');
    expect(normalizeAddress('东华门街道北京市东城区', beijing)).toBe('东华门街道北京市东城区');
    expect(normalizeAddress('北京市', beijing)).toBe('北京市');
  });

  it('upper-cases Latin letters so that a座 and A座 meet', () => {
    expect(normalizeAddress('朝阳门外大街1号a座')).toBe(normalizeAddress('朝阳门外大街1号Ａ座'));
  });

  it('is stable when applied twice', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(...'東华门號号院棟栋幢單单元室#-－ 12３,，.（）A') }), (s) => {
        const once = normalizeAddress(s);
        expect(normalizeAddress(once)).toBe(once);
      }),
    );
  });
});
