import { describe, expect, it } from 'vitest';
import { DataCipher } from '../../../domain/crypto.ts';
import { idChecksum } from '../../../domain/id-number.ts';
import { maskBirthDate, PERSONAL_FIELDS, personalKeys, presentPersonal, seal } from './personal.ts';
import { footprintVertices, parseBuilding, parseComponent, parsePerson } from './rows.ts';
import { csvCell } from './export-stream.ts';

const TODAY = '2026-11-26';
const id = (birth: string, seq = '011') => {
  const first17 = `110101${birth}${seq}`;
  return first17 + idChecksum(first17);
};

describe('person rows', () => {
  it('accepts a complete row and derives gender and birth date from the ID number', () => {
    const r = parsePerson({ name: ' 張三 ', idNumber: id('19800101').toLowerCase(), address: '幸福路1号', careTags: '独居老人、低保' }, TODAY);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value).toMatchObject({ nameKey: '张三', gender: 'male', birthDate: '1980-01-01', residenceType: 'registered', careTags: ['elderly_alone', 'low_income'] });
  });

  it('reports each problem with its field', () => {
    const bad = id('19800101').slice(0, 17) + (id('19800101').endsWith('0') ? '1' : '0');
    const r = parsePerson({ name: '', idNumber: bad, phone: '123', birthDate: '1980-02-30', address: '' }, TODAY);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems.map((p) => `${p.field}:${p.problem}`)).toEqual([
      'name:required',
      'idNumber:id_checksum',
      'birthDate:birth_date_invalid',
      'phone:phone_invalid',
      'address:required',
    ]);
  });

  it('checks a separate birth date and gender against the ID number', () => {
    const r = parsePerson({ name: 'x', idNumber: id('19800101'), birthDate: '1980-01-02', gender: '女', address: 'a' }, TODAY);
    expect(r.ok ? [] : r.problems.map((p) => p.problem)).toEqual(['gender_mismatch', 'birth_date_mismatch']);
  });

  it('takes a passport for a foreigner and keeps a formula as text', () => {
    const r = parsePerson({ name: '=1+1', passport: 'E12345678', address: 'a' }, TODAY);
    expect(r.ok && r.value).toMatchObject({ name: '=1+1', idType: 'passport', idNumber: 'E12345678' });
  });
});

describe('building and component rows', () => {
  it('reads WKT and GeoJSON footprints and places the building at their vertex average', () => {
    expect(footprintVertices('POLYGON((0 0, 2 0, 2 2, 0 2, 0 0))')?.format).toBe('wkt');
    expect(footprintVertices('{"type":"Polygon","coordinates":[[[0,0],[2,0],[2,2],[0,0]]]}')?.format).toBe('geojson');
    expect(footprintVertices('<b>no</b>')).toBeNull();
    const r = parseBuilding({ address: '幸福路1号院3号楼', footprint: 'POLYGON((116 39, 116.002 39, 116.002 39.002, 116 39.002, 116 39))', floors: '6' });
    expect(r.ok && r.value.point?.lng).toBeCloseTo(116.0008, 4);
    expect(r.ok && r.value.addressKey).toBe('幸福路1号院3栋');
    expect(parseBuilding({ address: 'x', floors: '0', lng: '1', lat: '1' }).ok).toBe(false);
  });

  it('needs a 16-digit component code and a position', () => {
    expect(parseComponent({ code: '1101010101000001', lng: '116.4', lat: '39.9', status: '破损' })).toMatchObject({ ok: true, value: { status: 'damaged' } });
    const r = parseComponent({ code: '12345', lng: '', lat: '' });
    expect(r.ok ? [] : r.problems.map((p) => p.problem)).toEqual(['code_invalid']);
  });
});

describe('personal fields', () => {
  const cipher = new DataCipher(Buffer.from('unit-test-key-0123456789abcdefghijklmnop'));

  it('seals a value as ciphertext, blind index and masked form', () => {
    const s = seal(cipher, PERSONAL_FIELDS.person[1], '13812345678');
    expect(s.masked).toBe('138****5678');
    expect(s.index).toBe(cipher.blindIndex('13812345678'));
    expect(cipher.decrypt(s.enc)).toBe('13812345678');
    expect(seal(cipher, PERSONAL_FIELDS.person[1], null)).toEqual({ enc: null, index: null, masked: null });
  });

  it('presents masked by default and clear when revealed', () => {
    const stored = {
      idNumber: { masked: '110101********0011', enc: cipher.encrypt('110101198001010011') },
      phone: { masked: null, enc: null },
      birthDate: { clear: '1980-01-01' },
    };
    expect(presentPersonal('person', stored, null)).toEqual({ idNumber: '110101********0011', phone: null, birthDate: '1980-**-**' });
    expect(presentPersonal('person', stored, { cipher })).toEqual({ idNumber: '110101198001010011', phone: null, birthDate: '1980-01-01' });
    expect(personalKeys('person')).toEqual(['idNumber', 'phone', 'birthDate']);
    expect(maskBirthDate(null)).toBeNull();
  });

  it('neutralises formulas in exported CSV cells', () => {
    expect(csvCell('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvCell(-3)).toBe('-3');
    expect(csvCell('a,b')).toBe('"a,b"');
  });
});
