import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { gridCodeParts, isTerritoryLevel, levelCodeLength, TERRITORY_LEVELS, validateCode } from './codes.ts';

const digits = (n: number): fc.Arbitrary<string> =>
  fc.array(fc.integer({ min: 0, max: 9 }), { minLength: n, maxLength: n }).map((d) => d.join(''));
const serial = fc.integer({ min: 1, max: 999 }).map((n) => String(n).padStart(3, '0'));

/** A well-formed chain of codes from district down to compound, built the way the hierarchy nests them. */
const chain = fc
  .tuple(fc.constantFrom('11', '31', '44', '65'), fc.integer({ min: 1, max: 99 }), digits(2), digits(3), digits(3))
  .chain(([province, city, county, street, community]) =>
    fc.tuple(serial, serial).map(([grid, compound]) => {
      const city4 = province + String(city).padStart(2, '0');
      const district = city4 + county;
      return {
        city: `${city4}00`,
        district,
        street: district + street,
        community: district + street + community,
        grid: district + street + community + grid,
        compound: district + street + community + grid + compound,
      };
    }),
  );

describe('levelCodeLength', () => {
  it('gives each level its code length', () => {
    expect(TERRITORY_LEVELS.map(levelCodeLength)).toEqual([6, 6, 9, 12, 15, 18]);
  });

  it('recognises the level names', () => {
    expect(isTerritoryLevel('grid')).toBe(true);
    expect(isTerritoryLevel('province')).toBe(false);
  });
});

describe('validateCode', () => {
  it('accepts real codes of Beijing Dongcheng down to a grid and a compound', () => {
    expect(validateCode('city', '110100')).toBeNull();
    expect(validateCode('district', '110101', '110100')).toBeNull();
    expect(validateCode('street', '110101001', '110101')).toBeNull();
    expect(validateCode('community', '110101001001', '110101001')).toBeNull();
    expect(validateCode('grid', '110101001001012', '110101001001')).toBeNull();
    expect(validateCode('compound', '110101001001012003', '110101001001012')).toBeNull();
  });

  it('accepts every code of a well-formed chain under its parent', () => {
    fc.assert(
      fc.property(chain, (c) => {
        expect(validateCode('city', c.city)).toBeNull();
        expect(validateCode('district', c.district, c.city)).toBeNull();
        expect(validateCode('street', c.street, c.district)).toBeNull();
        expect(validateCode('community', c.community, c.street)).toBeNull();
        expect(validateCode('grid', c.grid, c.community)).toBeNull();
        expect(validateCode('compound', c.compound, c.grid)).toBeNull();
      }),
    );
  });

  it('rejects codes of the wrong length or with non-digits as malformed', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...TERRITORY_LEVELS),
        fc.string({ maxLength: 20 }),
        (level, code) => {
          fc.pre(!(code.length === levelCodeLength(level) && /^[0-9]+$/.test(code)));
          expect(validateCode(level, code)).toBe('CODE_MALFORMED');
        },
      ),
    );
    expect(validateCode('grid', '11010100100101')).toBe('CODE_MALFORMED');
    expect(validateCode('grid', '11010100100101a')).toBe('CODE_MALFORMED');
    expect(validateCode('grid', '１１０１０１００１００１０１２')).toBe('CODE_MALFORMED');
  });

  it('rejects grid and compound serial 000, which the numbering never issues', () => {
    expect(validateCode('grid', '110101001001000')).toBe('CODE_MALFORMED');
    expect(validateCode('compound', '110101001001000001')).toBe('CODE_MALFORMED');
    expect(validateCode('compound', '110101001001001000')).toBe('CODE_MALFORMED');
  });

  it('rejects unknown provinces and province-level codes in place of cities or districts', () => {
    expect(validateCode('city', '990100')).toBe('CODE_MALFORMED');
    expect(validateCode('city', '110000')).toBe('CODE_MALFORMED');
    expect(validateCode('district', '110001')).toBe('CODE_MALFORMED');
    expect(validateCode('city', '110101')).toBe('CODE_MALFORMED');
  });

  it('accepts the real exceptions: cities without districts and placeholder streets', () => {
    expect(validateCode('district', '441900', '441900')).toBeNull(); // Dongguan
    expect(validateCode('street', '441900003', '441900')).toBeNull();
    expect(validateCode('street', '350527000', '350527')).toBeNull(); // Kinmen placeholder
    expect(validateCode('community', '350527000000', '350527000')).toBeNull();
  });

  it('requires a district to share its city’s first four digits, not the whole code', () => {
    expect(validateCode('district', '110105', '110100')).toBeNull();
    expect(validateCode('district', '110201', '110100')).toBe('CODE_PARENT_MISMATCH');
    expect(validateCode('district', '120101', '110100')).toBe('CODE_PARENT_MISMATCH');
  });

  it('requires every lower level to start with its parent’s code', () => {
    fc.assert(
      fc.property(chain, chain, (a, b) => {
        for (const [level, parent] of [
          ['street', 'district'],
          ['community', 'street'],
          ['grid', 'community'],
          ['compound', 'grid'],
        ] as const) {
          const expected = a[level].startsWith(b[parent]) ? null : 'CODE_PARENT_MISMATCH';
          expect(validateCode(level, a[level], b[parent])).toBe(expected);
        }
      }),
    );
  });

  it('reports a malformed or wrong-level parent code as a parent mismatch', () => {
    expect(validateCode('grid', '110101001001012', '110101001')).toBe('CODE_PARENT_MISMATCH');
    expect(validateCode('grid', '110101001001012', '11010100100x')).toBe('CODE_PARENT_MISMATCH');
    expect(validateCode('street', '110101001', '')).toBe('CODE_PARENT_MISMATCH');
  });

  it('checks a city against its province', () => {
    expect(validateCode('city', '110100', '110000')).toBeNull();
    expect(validateCode('city', '440300', '440000')).toBeNull();
    expect(validateCode('city', '440300', '110000')).toBe('CODE_PARENT_MISMATCH');
    expect(validateCode('city', '440300', '440300')).toBe('CODE_PARENT_MISMATCH');
  });

  it('reports a malformed code before looking at the parent', () => {
    expect(validateCode('grid', '1101010010010', '999999999999')).toBe('CODE_MALFORMED');
  });
});

describe('gridCodeParts', () => {
  it('splits a unit-grid code into its district, street, community and serial', () => {
    expect(gridCodeParts('110101001003012')).toEqual({
      district: '110101',
      street: '110101001',
      community: '110101001003',
      serial: 12,
    });
  });

  it('returns parts that rebuild the code and are each valid under their parent', () => {
    fc.assert(
      fc.property(chain, (c) => {
        const parts = gridCodeParts(c.grid);
        expect(parts).not.toBeNull();
        if (parts === null) return;
        expect(parts.community + String(parts.serial).padStart(3, '0')).toBe(c.grid);
        expect(validateCode('street', parts.street, parts.district)).toBeNull();
        expect(validateCode('community', parts.community, parts.street)).toBeNull();
        expect(parts.serial).toBeGreaterThanOrEqual(1);
        expect(parts.serial).toBeLessThanOrEqual(999);
      }),
    );
  });

  it('returns null for anything that is not a well-formed grid code', () => {
    expect(gridCodeParts('110101001003000')).toBeNull();
    expect(gridCodeParts('110101001003')).toBeNull();
    expect(gridCodeParts('110101001003012001')).toBeNull();
  });
});
