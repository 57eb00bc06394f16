import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  checkBirthDateConsistency,
  chinaToday,
  idChecksum,
  normalizeDate,
  normalizePhone,
  upgrade15,
  validateIdNumber,
  validatePassport,
  validatePhone,
} from './id-number.ts';

const TODAY = { today: '2026-05-01' };

const REGIONS = ['110101', '110105', '310115', '440305', '510107', '650102', '710000', '810000', '820000', '830000'];

/** A valid 18-digit number: real region, a calendar date from 1900 to the fixed "today", any sequence. */
const validId = fc
  .tuple(
    fc.constantFrom(...REGIONS),
    fc.date({ min: new Date('1900-01-01T00:00:00Z'), max: new Date('2026-05-01T00:00:00Z'), noInvalidDate: true }),
    fc.integer({ min: 0, max: 999 }),
  )
  .map(([region, date, seq]) => {
    const first17 = region + date.toISOString().slice(0, 10).replaceAll('-', '') + String(seq).padStart(3, '0');
    return first17 + idChecksum(first17);
  });

describe('validateIdNumber', () => {
  it('accepts the example of the standard and reads birth date, gender and region from it', () => {
    expect(validateIdNumber('11010519491231002X', TODAY)).toEqual({
      ok: true,
      normalized: '11010519491231002X',
      birthDate: '1949-12-31',
      gender: 'female',
      regionCode: '110105',
    });
  });

  it('accepts a lower-case x, full-width digits and surrounding spaces, normalising them', () => {
    const r = validateIdNumber(' １１０１０５１９４９１２３１００２x ', TODAY);
    expect(r).toMatchObject({ ok: true, normalized: '11010519491231002X' });
  });

  it('accepts the residence permits of Hong Kong, Macao and Taiwan residents, which share the format', () => {
    for (const region of ['810000', '820000', '830000']) {
      const first17 = `${region}19900307002`;
      expect(validateIdNumber(first17 + idChecksum(first17), TODAY)).toMatchObject({ ok: true, regionCode: region });
    }
  });

  it('reads an odd 17th digit as male', () => {
    const first17 = '11010119900307001';
    expect(validateIdNumber(first17 + idChecksum(first17), TODAY)).toMatchObject({ ok: true, gender: 'male' });
  });

  it('names the problem of each kind of bad number', () => {
    expect(validateIdNumber('1101051949123100', TODAY)).toEqual({ ok: false, problem: 'length' });
    expect(validateIdNumber('', TODAY)).toEqual({ ok: false, problem: 'length' });
    expect(validateIdNumber('1101051949123100XX', TODAY)).toEqual({ ok: false, problem: 'characters' });
    expect(validateIdNumber('11010519491231002Y', TODAY)).toEqual({ ok: false, problem: 'characters' });
    // 99 is no province; 44 is, but 1880 is before 1900 (the standard's own example, a person long dead).
    expect(validateIdNumber('990105194912310021', TODAY)).toEqual({ ok: false, problem: 'region' });
    expect(validateIdNumber('440524188001010014', TODAY)).toEqual({ ok: false, problem: 'birth_date' });
    expect(validateIdNumber('110105194902300021', TODAY)).toEqual({ ok: false, problem: 'birth_date' });
    expect(validateIdNumber('110105194912310021', TODAY)).toEqual({ ok: false, problem: 'checksum' });
  });

  it('rejects a birth date after today, with today taken in China', () => {
    const first17 = '11010520260502001';
    const id = first17 + idChecksum(first17);
    expect(validateIdNumber(id, TODAY)).toEqual({ ok: false, problem: 'birth_date' });
    expect(validateIdNumber(id, { today: '2026-05-02' })).toMatchObject({ ok: true });
    // 17:00 UTC on 1 May is already 2 May in Beijing.
    expect(validateIdNumber(id, { today: new Date('2026-05-01T17:00:00Z') })).toMatchObject({ ok: true });
    expect(chinaToday(new Date('2026-05-01T15:59:59Z'))).toBe('2026-05-01');
  });

  it('accepts a leap day only in a leap year', () => {
    const ok17 = '31011520000229001';
    const bad17 = '31011519000229001';
    expect(validateIdNumber(ok17 + idChecksum(ok17), TODAY)).toMatchObject({ ok: true, birthDate: '2000-02-29' });
    expect(validateIdNumber(bad17 + idChecksum(bad17), TODAY)).toEqual({ ok: false, problem: 'birth_date' });
  });

  it('upgrades a legacy 15-digit number to 18 digits in the 1900s', () => {
    expect(upgrade15('110105491231002')).toBe('11010519491231002X');
    expect(upgrade15('11010549123100')).toBeNull();
    expect(upgrade15('11010549123100X')).toBeNull();
    expect(validateIdNumber('110105491231002', TODAY)).toMatchObject({
      ok: true,
      normalized: '11010519491231002X',
      birthDate: '1949-12-31',
    });
    expect(validateIdNumber('11010549123100X', TODAY)).toEqual({ ok: false, problem: 'characters' });
    expect(validateIdNumber('110105491331002', TODAY)).toEqual({ ok: false, problem: 'birth_date' });
  });

  it('accepts every generated valid number', () => {
    fc.assert(
      fc.property(validId, (id) => {
        const r = validateIdNumber(id, TODAY);
        expect(r.ok).toBe(true);
        if (r.ok) expect(r.birthDate.replaceAll('-', '')).toBe(id.slice(6, 14));
      }),
    );
  });

  it('rejects any single changed character (the checksum catches what the other rules let through)', () => {
    fc.assert(
      fc.property(validId, fc.integer({ min: 0, max: 17 }), fc.integer({ min: 1, max: 10 }), (id, pos, shift) => {
        const alphabet = pos === 17 ? '0123456789X' : '0123456789';
        const old = alphabet.indexOf(id[pos] ?? '0');
        const replacement = alphabet[(old + shift) % alphabet.length] ?? '0';
        fc.pre(replacement !== id[pos]);
        const changed = id.slice(0, pos) + replacement + id.slice(pos + 1);
        const r = validateIdNumber(changed, TODAY);
        expect(r.ok).toBe(false);
        // The sequence digits and the check character are covered by nothing but the checksum.
        if (pos >= 14 && !r.ok) expect(r.problem).toBe('checksum');
      }),
    );
  });

  it('rejects two swapped neighbouring digits of the sequence', () => {
    fc.assert(
      fc.property(validId, fc.integer({ min: 14, max: 15 }), (id, pos) => {
        fc.pre(id[pos] !== id[pos + 1]);
        const swapped = id.slice(0, pos) + id[pos + 1] + id[pos] + id.slice(pos + 2);
        expect(validateIdNumber(swapped, TODAY)).toEqual({ ok: false, problem: 'checksum' });
      }),
    );
  });

  it('computes X exactly when the sum leaves remainder 2', () => {
    fc.assert(
      fc.property(validId, (id) => {
        const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
        const sum = weights.reduce((s, w, i) => s + w * Number(id[i]), 0);
        expect(id.endsWith('X')).toBe(sum % 11 === 2);
        // With the check character counted as 10 (X) at weight 1, the whole number sums to 1 modulo 11.
        const check = id.endsWith('X') ? 10 : Number(id[17]);
        expect((sum + check) % 11).toBe(1);
      }),
    );
  });
});

describe('normalizeDate and checkBirthDateConsistency', () => {
  it('reads the usual ways of writing a date', () => {
    for (const s of ['1949-12-31', '1949/12/31', '19491231', '1949.12.31', '1949年12月31日', '1949-12-31 00:00:00']) {
      expect(normalizeDate(s)).toBe('1949-12-31');
    }
    expect(normalizeDate('1990/3/7')).toBe('1990-03-07');
    expect(normalizeDate('1990-02-30')).toBeNull();
    expect(normalizeDate('31/12/1949')).toBeNull();
  });

  it('agrees when the dates match and says which date was expected when they do not', () => {
    expect(checkBirthDateConsistency('11010519491231002X', '1949/12/31', TODAY)).toEqual({ ok: true });
    expect(checkBirthDateConsistency('11010519491231002X', '1949-12-30', TODAY)).toEqual({
      ok: false,
      problem: 'mismatch',
      expected: '1949-12-31',
    });
    expect(checkBirthDateConsistency('110105194912310021', '1949-12-31', TODAY)).toEqual({
      ok: false,
      problem: 'id_number',
    });
    expect(checkBirthDateConsistency('11010519491231002X', 'unknown', TODAY)).toEqual({
      ok: false,
      problem: 'birth_date',
    });
  });
});

describe('validatePassport', () => {
  it('accepts 5 to 20 letters and digits, upper-cased', () => {
    expect(validatePassport(' e1234 5678 ')).toEqual({ ok: true, normalized: 'E12345678' });
    expect(validatePassport('AB123')).toEqual({ ok: true, normalized: 'AB123' });
    expect(validatePassport('A1234')).toMatchObject({ ok: true });
    expect(validatePassport('A123')).toEqual({ ok: false, problem: 'length' });
    expect(validatePassport('A'.repeat(21))).toEqual({ ok: false, problem: 'length' });
    expect(validatePassport('E1234-5678')).toEqual({ ok: false, problem: 'characters' });
    expect(validatePassport('护照12345')).toEqual({ ok: false, problem: 'characters' });
  });
});

describe('validatePhone and normalizePhone', () => {
  it('normalises mobile numbers in their usual spellings', () => {
    for (const s of ['13812345678', '138 1234 5678', '138-1234-5678', '+86 138 1234 5678', '0086 13812345678']) {
      expect(normalizePhone(s)).toBe('13812345678');
    }
    expect(normalizePhone('8613812345678')).toBe('13812345678');
    expect(normalizePhone('１３８１２３４５６７８')).toBe('13812345678');
    expect(validatePhone('19912345678')).toEqual({ ok: true, normalized: '19912345678', kind: 'mobile' });
  });

  it('normalises landlines with their area code, restoring the trunk zero of the international form', () => {
    expect(validatePhone('010-12345678')).toEqual({ ok: true, normalized: '01012345678', kind: 'landline' });
    expect(normalizePhone('(010) 6512 3456')).toBe('01065123456');
    expect(normalizePhone('+86 10 6512 3456')).toBe('01065123456');
    expect(normalizePhone('+86-21-55551234')).toBe('02155551234');
    expect(normalizePhone('0755-86001234')).toBe('075586001234');
    expect(normalizePhone('0898-6512345')).toBe('08986512345');
  });

  it('names the problem of each bad number', () => {
    expect(validatePhone('  ')).toEqual({ ok: false, problem: 'empty' });
    expect(validatePhone('138xxxx5678')).toEqual({ ok: false, problem: 'characters' });
    expect(validatePhone('1381234567')).toEqual({ ok: false, problem: 'length' });
    expect(validatePhone('12812345678')).toEqual({ ok: false, problem: 'mobile_prefix' });
    expect(validatePhone('65123456')).toEqual({ ok: false, problem: 'area_code' });
    expect(validatePhone('010-1234567')).toEqual({ ok: false, problem: 'length' });
    expect(validatePhone('0755-123456789')).toEqual({ ok: false, problem: 'length' });
    expect(validatePhone('010-01234567')).toEqual({ ok: false, problem: 'area_code' });
    expect(normalizePhone('110')).toBeNull();
  });

  it('accepts every mobile number whatever the separators', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 3, max: 9 }),
        fc.integer({ min: 0, max: 999_999_999 }),
        fc.constantFrom('', ' ', '-'),
        fc.constantFrom('', '+86 ', '0086'),
        (second, rest, sep, prefix) => {
          const digits = `1${second}${String(rest).padStart(9, '0')}`;
          const spelled = prefix + digits.slice(0, 3) + sep + digits.slice(3, 7) + sep + digits.slice(7);
          expect(normalizePhone(spelled)).toBe(digits);
        },
      ),
    );
  });
});
