import { describe, expect, it } from 'vitest';
import {
  fieldForHeader,
  isRegistryKind,
  KIND_FIELDS,
  matchHeaders,
  normalizeHeader,
  parseEnum,
  parseEnumList,
  REGISTRY_KINDS,
} from './columns.ts';

const fieldsOf = (m: ReturnType<typeof matchHeaders>): Array<string | null> => m.mapping.map((c) => c.field);

describe('normalizeHeader', () => {
  it('drops bracketed notes, asterisks, spaces and punctuation, in any width and script', () => {
    expect(normalizeHeader(' 姓名（必填） ')).toBe('姓名');
    expect(normalizeHeader('*姓 名：')).toBe('姓名');
    expect(normalizeHeader('【必填】身份證號碼(18位)')).toBe('身份证号码');
    expect(normalizeHeader('Full-Name')).toBe('fullname');
    expect(normalizeHeader('ＩＤ　Ｎｕｍｂｅｒ')).toBe('idnumber');
  });
});

describe('the field tables', () => {
  it('give every label of a kind to one field only', () => {
    // Building the index throws on a label shared by two fields.
    for (const kind of REGISTRY_KINDS) expect(() => fieldForHeader(kind, '')).not.toThrow();
  });

  it('name each field once per kind, in camelCase, with snake_case values', () => {
    for (const kind of REGISTRY_KINDS) {
      const keys = KIND_FIELDS[kind].fields.map((f) => f.key);
      expect(new Set(keys).size).toBe(keys.length);
      for (const f of KIND_FIELDS[kind].fields) {
        expect(f.key).toMatch(/^[a-z][a-zA-Z]*$/);
        for (const value of Object.keys(f.values ?? {})) expect(value).toMatch(/^[a-z]+(_[a-z]+)*$/);
      }
    }
    expect(isRegistryKind('persons')).toBe(true);
    expect(isRegistryKind('people')).toBe(false);
  });
});

describe('matchHeaders', () => {
  it('recognises simplified Chinese headers with notes and marks', () => {
    const m = matchHeaders('persons', [
      '*姓名（必填）',
      '身份证号',
      '性别',
      '出生日期',
      '联系电话',
      '现住址',
      '户号',
      '与户主关系',
      '人口类型',
      '关爱类型',
      '入住日期',
    ]);
    expect(fieldsOf(m)).toEqual([
      'name',
      'idNumber',
      'gender',
      'birthDate',
      'phone',
      'address',
      'householdNumber',
      'relation',
      'residenceType',
      'careTags',
      'movedIn',
    ]);
    expect(m).toMatchObject({ missingRequired: [], duplicates: [], unknownColumns: [], invalidOverrides: [] });
  });

  it('recognises traditional Chinese headers', () => {
    const m = matchHeaders('persons', ['姓名', '身份證號碼', '性別', '電話', '戶號', '與戶主關係', '證件類型']);
    expect(fieldsOf(m)).toEqual(['name', 'idNumber', 'gender', 'phone', 'householdNumber', 'relation', 'idType']);
    expect(m.missingRequired).toEqual([]);
  });

  it('recognises English headers whatever their case and spacing', () => {
    const m = matchHeaders('persons', ['Full name', 'ID', 'sex', 'Date of Birth', 'MOBILE', 'Address', 'Relation to head']);
    expect(fieldsOf(m)).toEqual(['name', 'idNumber', 'gender', 'birthDate', 'phone', 'address', 'relation']);
  });

  it('reports a field named by two columns and maps only the first', () => {
    const m = matchHeaders('persons', ['姓名', '身份证号', '手机', '联系电话']);
    expect(fieldsOf(m)).toEqual(['name', 'idNumber', 'phone', null]);
    expect(m.duplicates).toEqual(['phone']);
    expect(m.unknownColumns).toEqual([]);
  });

  it('reports missing required columns, and an identity group by its keys', () => {
    const m = matchHeaders('persons', ['性别', '电话']);
    expect(m.missingRequired).toEqual(['name', 'idNumber|passport']);
    // A passport column is enough for foreigners.
    expect(matchHeaders('persons', ['姓名', '护照号码']).missingRequired).toEqual([]);
    expect(matchHeaders('components', ['名称', '状态']).missingRequired).toEqual(['code']);
    expect(matchHeaders('households', ['户主姓名']).missingRequired).toEqual(['householdNumber', 'address']);
  });

  it('lists unknown columns by their text and passes over empty headers', () => {
    const m = matchHeaders('persons', ['姓名', '身份证号', ' 户籍地址 ', '', '  ', '民族']);
    expect(fieldsOf(m)).toEqual(['name', 'idNumber', null, null, null, null]);
    expect(m.unknownColumns).toEqual(['户籍地址', '民族']);
  });

  it('applies overrides by header text, lets them win over recognition, and ignores columns mapped to ""', () => {
    const header = ['姓名', '证件号', '固定电话', '手机', '备注'];
    const m = matchHeaders('persons', header, { 固定電話: 'phone', 备注: '', 证件号: 'passport' });
    expect(fieldsOf(m)).toEqual(['name', 'passport', 'phone', null, null]);
    // 手机 would be the phone, but the user chose 固定电话; it is left for the user to see, not flagged.
    expect(m.unknownColumns).toEqual(['手机']);
    expect(m.duplicates).toEqual([]);
    expect(m.missingRequired).toEqual([]);
  });

  it('reports overrides to fields the kind does not have, and two overrides to one field as a duplicate', () => {
    const m = matchHeaders('buildings', ['地址', 'A', 'B'], { A: 'floors', B: 'floors', 地址: 'nonsense' });
    expect(m.invalidOverrides).toEqual(['地址']);
    expect(fieldsOf(m)).toEqual(['address', 'floors', null]);
    expect(m.duplicates).toEqual(['floors']);
  });

  it('recognises the headers of buildings, places and components', () => {
    expect(fieldsOf(matchHeaders('buildings', ['楼栋地址', '楼栋名称', '层数', '用途', '经度', '纬度', '轮廓']))).toEqual([
      'address',
      'name',
      'floors',
      'use',
      'lng',
      'lat',
      'footprint',
    ]);
    expect(fieldsOf(matchHeaders('places', ['场所类型', '场所名称', '地址', 'Longitude', 'Latitude']))).toEqual([
      'kind',
      'name',
      'address',
      'lng',
      'lat',
    ]);
    expect(fieldsOf(matchHeaders('components', ['部件编码', '部件名称', '部件状态', '主管部门', '养护单位', '经度', '纬度']))).toEqual(
      ['code', 'name', 'status', 'ownerDepartment', 'maintainerDepartment', 'lng', 'lat'],
    );
    expect(fieldsOf(matchHeaders('households', ['户号', '地址', '户主姓名', '户别', '人口数']))).toEqual([
      'householdNumber',
      'address',
      'headName',
      'householdType',
      'memberCount',
    ]);
  });

  it('reads back a sheet whose headers are the field keys themselves', () => {
    const keys = KIND_FIELDS.components.fields.map((f) => f.key);
    expect(fieldsOf(matchHeaders('components', keys))).toEqual(keys);
  });
});

describe('parseEnum and parseEnumList', () => {
  it('reads the words for residence type, gender and place kind in any script', () => {
    expect(parseEnum('persons', 'residenceType', '户籍')).toEqual({ ok: true, value: 'registered' });
    expect(parseEnum('persons', 'residenceType', '流動人口')).toEqual({ ok: true, value: 'floating' });
    expect(parseEnum('persons', 'residenceType', ' 暂住 ')).toEqual({ ok: true, value: 'temporary' });
    expect(parseEnum('persons', 'residenceType', 'floating')).toEqual({ ok: true, value: 'floating' });
    expect(parseEnum('persons', 'gender', '女')).toEqual({ ok: true, value: 'female' });
    expect(parseEnum('persons', 'gender', '1')).toEqual({ ok: true, value: 'male' });
    expect(parseEnum('places', 'kind', '党群服务中心')).toEqual({ ok: true, value: 'service_center' });
    expect(parseEnum('components', 'status', '破損')).toEqual({ ok: true, value: 'damaged' });
  });

  it('reads a blank cell as no value and names an unknown word', () => {
    expect(parseEnum('persons', 'residenceType', '  ')).toEqual({ ok: true, value: null });
    expect(parseEnum('persons', 'residenceType', '外星人')).toEqual({ ok: false, problem: 'unknown_value' });
    expect(() => parseEnum('persons', 'name', '张三')).toThrow(RangeError);
  });

  it('reads a list of care tags with any separator, each once', () => {
    expect(parseEnumList('persons', 'careTags', '独居老人、残疾人；低保, 孕产妇 慢性病')).toEqual({
      ok: true,
      values: ['elderly_alone', 'disabled', 'low_income', 'pregnant', 'chronic_illness'],
    });
    expect(parseEnumList('persons', 'careTags', '獨居老人，獨居')).toEqual({ ok: true, values: ['elderly_alone'] });
    expect(parseEnumList('persons', 'careTags', '')).toEqual({ ok: true, values: [] });
    expect(parseEnumList('persons', 'careTags', '低保、党员')).toEqual({
      ok: false,
      problem: 'unknown_value',
      unknown: ['党员'],
    });
  });
});
