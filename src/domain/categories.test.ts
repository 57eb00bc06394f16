import * as OpenCC from 'opencc-js';
import { describe, expect, it } from 'vitest';
import {
  CATEGORIES,
  CATEGORY_CODE,
  CATEGORY_FAMILIES,
  type Category,
  type CategoryNode,
  categoryByCode,
  categoryTree,
  DEPARTMENT_KINDS,
  handleLimit,
  type LocalizedText,
  MAJOR_CLASSES,
  PRIORITIES,
  stageLimit,
  WORKING_DAY_MINUTES,
} from './categories.ts';

/** Character-level Traditional → Simplified (OpenCC's Taiwan standard to mainland), no phrase rewriting. */
const toHans = OpenCC.Converter({ from: 'tw', to: 'cn' });

function get(code: string): Category {
  const category = categoryByCode(code);
  if (!category) throw new Error(`no category ${code}`);
  return category;
}

/** Every localized text in the seed, labelled by where it sits, so a failure names the culprit. */
function allTexts(): Array<[string, LocalizedText]> {
  const texts: Array<[string, LocalizedText]> = [];
  for (const f of CATEGORY_FAMILIES) texts.push([f.code, f.names]);
  for (const m of MAJOR_CLASSES) texts.push([m.code, m.names]);
  for (const c of CATEGORIES) {
    texts.push([`${c.code} name`, c.names]);
    texts.push([`${c.code} register condition`, c.registerCondition]);
    texts.push([`${c.code} close condition`, c.closeCondition]);
    for (const a of c.attributes ?? []) {
      texts.push([`${c.code}.${a.code}`, a.description]);
      for (const v of a.values ?? []) texts.push([`${c.code}.${a.code}=${v.key}`, v.names]);
    }
  }
  return texts;
}

describe('category seed: codes', () => {
  it('has at least 40 sub-categories, with every major class used', () => {
    expect(CATEGORIES.length).toBeGreaterThanOrEqual(40);
    for (const major of MAJOR_CLASSES) {
      expect(CATEGORIES.filter((c) => c.majorCode === major.code).length, major.code).toBeGreaterThan(0);
    }
  });

  it('gives every sub-category a unique, well-formed code whose prefix is its type and major class', () => {
    const codes = CATEGORIES.map((c) => c.code);
    expect(new Set(codes).size).toBe(codes.length);
    const majors = new Map(MAJOR_CLASSES.map((m) => [m.code, m]));
    for (const c of CATEGORIES) {
      expect(c.code).toMatch(CATEGORY_CODE);
      expect(c.code.slice(0, 1)).toBe(c.type === 'component' ? 'C' : 'E');
      expect(c.code.slice(0, 3)).toBe(c.majorCode);
      expect(majors.get(c.majorCode)?.type, c.code).toBe(c.type);
    }
  });

  it('numbers the major classes as the standard does: six component classes and five event classes', () => {
    expect(MAJOR_CLASSES.map((m) => m.code)).toEqual([
      'C01',
      'C02',
      'C03',
      'C04',
      'C05',
      'C06',
      'E01',
      'E02',
      'E03',
      'E04',
      'E05',
    ]);
    expect(MAJOR_CLASSES.find((m) => m.code === 'C04')?.names['zh-Hant']).toBe('園林綠化');
    expect(MAJOR_CLASSES.find((m) => m.code === 'E04')?.names['zh-Hant']).toBe('突發事件');
  });

  it('keeps the standard names for well-known codes', () => {
    expect(get('C0101').names['zh-Hant']).toBe('上水井蓋');
    expect(get('C0103').names['zh-Hant']).toBe('雨水井蓋');
    expect(get('C0401').names['zh-Hant']).toBe('古樹名木');
    expect(get('E0102').names['zh-Hant']).toBe('暴露垃圾');
    expect(get('E0201').names['zh-Hant']).toBe('非法小廣告');
    expect(get('E0401').names['zh-Hant']).toBe('路面塌陷');
    expect(get('E0402').names['zh-Hant']).toBe('自來水管破裂');
    expect(get('E0501').names['zh-Hant']).toBe('無照經營遊商');
  });
});

describe('category seed: languages', () => {
  it('has every text in all three languages, English without Chinese characters', () => {
    for (const [where, text] of allTexts()) {
      expect(text['zh-Hant'].trim(), where).not.toBe('');
      expect(text['zh-Hans'].trim(), where).not.toBe('');
      expect(text.en.trim(), where).not.toBe('');
      expect(text.en, where).not.toMatch(/\p{Script=Han}/u);
    }
  });

  it('writes the Simplified text as the character conversion of the Traditional one', () => {
    for (const [where, text] of allTexts()) {
      expect(text['zh-Hans'], where).toBe(toHans(text['zh-Hant']));
    }
  });

  it('differs between Traditional and Simplified where the characters differ', () => {
    const pairs: Array<[string, string, string]> = [
      ['C0101', '上水井蓋', '上水井盖'],
      ['C0118', '路燈', '路灯'],
      ['E0103', '積存垃圾渣土', '积存垃圾渣土'],
      ['E0406', '道路積水', '道路积水'],
      ['E0451', '消防通道堵塞', '消防通道堵塞'],
      ['E0505', '機動車亂停放', '机动车乱停放'],
    ];
    for (const [code, hant, hans] of pairs) {
      const names = get(code).names;
      expect(names['zh-Hant']).toBe(hant);
      expect(names['zh-Hans']).toBe(hans);
      expect(names['zh-Hant'] !== names['zh-Hans']).toBe(hant !== hans);
    }
    expect(get('C0101').closeCondition['zh-Hant']).toBe('井蓋補齊或更換完好，與路面平順');
    expect(get('C0101').closeCondition['zh-Hans']).toBe('井盖补齐或更换完好，与路面平顺');
  });
});

describe('category seed: limits and handling', () => {
  it('sets every limit to a positive whole number of minutes, tighter for higher priorities', () => {
    for (const c of CATEGORIES) {
      const { handle, ...stages } = c.limits;
      for (const [stage, minutes] of Object.entries({ ...stages, ...handle })) {
        expect(Number.isInteger(minutes) && minutes > 0, `${c.code} ${stage}: ${minutes}`).toBe(true);
      }
      expect(handle.urgent, c.code).toBeLessThanOrEqual(handle.high);
      expect(handle.high, c.code).toBeLessThanOrEqual(handle.normal);
      expect(Number.isInteger(c.duplicateRadiusM) && c.duplicateRadiusM > 0, c.code).toBe(true);
      expect(Number.isInteger(c.duplicateWindowMinutes) && c.duplicateWindowMinutes > 0, c.code).toBe(true);
    }
  });

  it('counts urgent cases in natural time, handled within 30–120 minutes at urgent priority', () => {
    const urgent = {
      C0101: 'water manhole cover',
      C0102: 'sewer manhole cover',
      C0103: 'storm drain cover',
      C0104: 'storm drain grate',
      C0105: 'power manhole cover',
      C0107: 'telecom manhole cover',
      E0401: 'road collapse',
      E0402: 'burst water main',
      E0403: 'gas pipe rupture',
      E0406: 'flooding',
      E0451: 'blocked fire lane',
    };
    for (const [code, what] of Object.entries(urgent)) {
      const c = get(code);
      expect(c.timeBase, what).toBe('natural');
      expect(handleLimit(c, 'urgent'), what).toBeGreaterThanOrEqual(30);
      expect(handleLimit(c, 'urgent'), what).toBeLessThanOrEqual(120);
    }
  });

  it('uses working days for ordinary work: garbage in a day, illegal construction in 15, a dirty road in 5 hours', () => {
    expect(WORKING_DAY_MINUTES).toBe(450);
    expect(get('E0102').timeBase).toBe('working');
    expect(handleLimit(get('E0102'), 'normal')).toBe(WORKING_DAY_MINUTES);
    expect(handleLimit(get('E0101'), 'normal')).toBe(15 * WORKING_DAY_MINUTES);
    expect(handleLimit(get('E0104'), 'normal')).toBe(5 * 60);
  });

  it('gives each stage its limit; only handling depends on the priority', () => {
    const c = get('E0102');
    expect(stageLimit(c, 'accept')).toBe(c.limits.accept);
    expect(stageLimit(c, 'verify', 'urgent')).toBe(c.limits.verify);
    for (const p of PRIORITIES) expect(stageLimit(c, 'handle', p)).toBe(c.limits.handle[p]);
    expect(stageLimit(c, 'handle')).toBe(c.limits.handle.normal);
  });

  it('names a known department kind and case type for every sub-category', () => {
    for (const c of CATEGORIES) {
      expect(DEPARTMENT_KINDS, c.code).toContain(c.defaultDepartmentKind);
      expect(['immediate', 'committed', 'coordinated'], c.code).toContain(c.caseType);
    }
    expect(get('E0101').defaultDepartmentKind).toBe('urban_management');
    expect(get('E0102').defaultDepartmentKind).toBe('sanitation');
    expect(get('E0451').defaultDepartmentKind).toBe('fire');
  });

  it('waives the after-photo for noise and people, and keeps it for things that can be photographed', () => {
    expect(get('E0301').afterPhotoRequired).toBe(false);
    expect(get('E0508').afterPhotoRequired).toBe(false);
    expect(get('E0502').afterPhotoRequired).toBe(false);
    expect(get('E0102').afterPhotoRequired).toBe(true);
    expect(get('C0101').afterPhotoRequired).toBe(true);
    expect(get('E0101').reporterMayVerify).toBe(false);
    expect(get('E0102').reporterMayVerify).toBe(true);
  });
});

describe('category seed: Open311 attributes', () => {
  it('declares well-formed attributes: unique codes, values exactly for the list types', () => {
    const withAttributes = CATEGORIES.filter((c) => c.attributes && c.attributes.length > 0);
    expect(withAttributes.length).toBeGreaterThanOrEqual(3);
    const datatypes = new Set<string>();
    for (const c of withAttributes) {
      const attributes = c.attributes ?? [];
      expect(new Set(attributes.map((a) => a.code)).size, c.code).toBe(attributes.length);
      for (const a of attributes) {
        datatypes.add(a.datatype);
        expect(a.code, c.code).toMatch(/^[a-z][a-z0-9_]*$/);
        const isList = a.datatype === 'singlevaluelist' || a.datatype === 'multivaluelist';
        expect(a.values !== undefined, `${c.code}.${a.code}`).toBe(isList);
        if (a.values) {
          expect(a.values.length, `${c.code}.${a.code}`).toBeGreaterThan(1);
          expect(new Set(a.values.map((v) => v.key)).size).toBe(a.values.length);
        }
      }
    }
    // The seed exercises every Open311 datatype, so the Open311 layer is tested against all of them.
    expect([...datatypes].sort()).toEqual(['datetime', 'multivaluelist', 'number', 'singlevaluelist', 'string', 'text']);
  });

  it('asks for the plate of an illegally parked car and the number of bins', () => {
    expect(get('E0505').attributes?.find((a) => a.code === 'plate_number')?.datatype).toBe('string');
    expect(get('C0305').attributes?.find((a) => a.code === 'bin_count')?.datatype).toBe('number');
  });
});

describe('categoryByCode and categoryTree', () => {
  it('finds a sub-category by code and nothing for an unknown or major code', () => {
    expect(categoryByCode('E0102')?.names.en).toBe('Exposed garbage');
    expect(categoryByCode('E9999')).toBeUndefined();
    expect(categoryByCode('E01')).toBeUndefined();
  });

  it('covers every sub-category exactly once, under its own major class and family', () => {
    const tree = categoryTree();
    expect(tree.map((f) => f.code)).toEqual(['C', 'E']);
    const seen: string[] = [];
    for (const family of tree) {
      for (const major of family.children) {
        expect(major.code.startsWith(family.code)).toBe(true);
        for (const leaf of major.children) {
          expect(leaf.code.slice(0, 3)).toBe(major.code);
          expect(leaf.children).toEqual([]);
          expect(leaf.names).toEqual(get(leaf.code).names);
          seen.push(leaf.code);
        }
      }
    }
    expect(seen.sort()).toEqual(CATEGORIES.map((c) => c.code).sort());
    expect(tree.flatMap((f) => f.children.map((m) => m.code))).toEqual(MAJOR_CLASSES.map((m) => m.code));
  });

  it('hands out a fresh tree but a frozen seed', () => {
    const tree: CategoryNode[] = categoryTree();
    tree[0]?.children.pop();
    expect(categoryTree()[0]?.children.length).toBe(6);
    expect(() => {
      get('E0102').names.en = 'changed';
    }).toThrow(TypeError);
    expect(() => {
      get('E0102').limits.handle.normal = 1;
    }).toThrow(TypeError);
  });
});
