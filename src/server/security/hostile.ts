import fc from 'fast-check';

/**
 * Hostile values the fuzzer mixes into every field: wrong types, boundaries, injection payloads for SQL, ltree, HTML,
 * CSV and paths, broken Unicode, and a few very large or very deep values (built once: they cost memory, not ideas).
 */

/** A placeholder the body writer replaces by a raw JSON token that JSON.stringify cannot produce (1e309, -0). */
export const raw = (token: string) => `@@RAW:${token}@@`;
export function unraw(json: string): string {
  return json.replace(/"@@RAW:([^@"]*)@@"/g, '$1');
}

export const MEGABYTE_STRING = 'x'.repeat(1024 * 1024);
const LONG_MULTIBYTE = '界'.repeat(70_000);

function nested(depth: number, kind: 'array' | 'object'): unknown {
  let v: unknown = 1;
  for (let i = 0; i < depth; i++) v = kind === 'array' ? [v] : { a: v };
  return v;
}
export const DEEP_ARRAY = nested(1000, 'array');
export const DEEP_OBJECT = nested(1000, 'object');
export const DEEP_JSON_TEXT = `${'['.repeat(1000)}1${']'.repeat(1000)}`;

export const HOSTILE_STRINGS: readonly string[] = [
  '',
  ' ',
  '\t\r\n',
  'null',
  'undefined',
  'true',
  '0',
  '-0',
  '-1',
  '1.5',
  'NaN',
  'Infinity',
  '-Infinity',
  '1e309',
  '-1e309',
  '9223372036854775808',
  '-9223372036854775809',
  '2147483648',
  '99999999999999999999999999999999',
  '0x1F',
  '1_000',
  '١٢٣',
  '１２３',
  "' OR '1'='1",
  "'; drop table cases; --",
  "1' and pg_sleep(5)--",
  '\\',
  "\\'",
  '%',
  '_',
  '%_%',
  '$$',
  '$1',
  '*',
  '*.*',
  'd110101.*',
  '!@#',
  'a|b',
  '{}',
  '{a,b}',
  '{"a":1}',
  '[]',
  '<script>alert(1)</script>',
  '"><img src=x onerror=alert(1)>',
  ']]><x/>',
  '&lt;&amp;',
  '=cmd|" /C calc"!A0',
  '+1+1',
  '@SUM(1)',
  '../../etc/passwd',
  '..%2F..%2F',
  '/',
  'a/b',
  '\u0000',
  'a\u0000b',
  '\uD800',
  '\uDFFF\uD800',
  '\uFFFE\uFFFF',
  '\u202Eevil',
  '\u200B',
  'e\u0301\u0301\u0301',
  '👨‍👩‍👧‍👦',
  '張三',
  '张三',
  'Ａ１',
  '2026-02-30',
  '2026-13-45T25:61:61Z',
  '9999-12-31T23:59:59Z',
  '0000-01-01',
  '-000001-01-01T00:00:00Z',
  '2026-01-01T00:00:00+99:99',
  '00000000-0000-0000-0000-000000000000',
  'ffffffff-ffff-ffff-ffff-ffffffffffff',
  '01A2188E-77D4-702B-97E6-29C188706FFF',
  '{01a2188e-77d4-702b-97e6-29c188706fff}',
  '01a2188e77d4702b97e629c188706fff',
  '01a2188e-77d4-702b-97e6-29c188706ff',
  'a@b',
  '"a b"@c.d',
  'gl_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa',
  '9'.repeat(400),
  'a'.repeat(5000),
];

export const HOSTILE_NUMBERS: readonly unknown[] = [
  0,
  -1,
  1.5,
  -0.000001,
  2 ** 31,
  -(2 ** 31) - 1,
  2 ** 53 + 2,
  2 ** 63,
  -(2 ** 63),
  1e308,
  -1e308,
  5e-324,
  raw('1e309'),
  raw('-1e309'),
  raw('-0'),
  raw('123456789012345678901234567890'),
  raw('1.0000000000000000000000001'),
];

const HOSTILE_SHAPES: readonly unknown[] = [
  null,
  true,
  false,
  [],
  {},
  [null],
  [[]],
  { $gt: '' },
  { toString: 'x', valueOf: 1 },
  ['a', 1, null, {}],
];

/** Any hostile value; `big` lets a caller leave out the megabyte-sized ones (query strings, headers). */
export function hostileValue(opts: { big?: boolean } = {}): fc.Arbitrary<unknown> {
  const arbs: Array<fc.WeightedArbitrary<unknown>> = [
    { weight: 32, arbitrary: fc.constantFrom(...HOSTILE_STRINGS) },
    { weight: 12, arbitrary: fc.constantFrom(...HOSTILE_NUMBERS) },
    { weight: 8, arbitrary: fc.constantFrom(...HOSTILE_SHAPES) },
    { weight: 8, arbitrary: fc.string({ unit: 'binary', maxLength: 30 }) },
    { weight: 4, arbitrary: fc.string({ unit: 'grapheme', maxLength: 30 }) },
    { weight: 4, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  ];
  // Rare per field (a body has several): each costs a megabyte or a thousand levels to build, send and parse.
  if (opts.big !== false) {
    arbs.push({ weight: 1, arbitrary: fc.constantFrom<unknown>(MEGABYTE_STRING, LONG_MULTIBYTE, DEEP_ARRAY, DEEP_OBJECT) });
  }
  return fc.oneof(...arbs);
}

/** A hostile string for a path segment or a query value (text, not JSON). */
export function hostileText(): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(...HOSTILE_STRINGS) },
    { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 20 }) },
    { weight: 1, arbitrary: fc.constantFrom('x'.repeat(10_000), '界'.repeat(3000)) },
  );
}

/** Percent-encodings that a URL carries but that decode to nothing good. */
export const RAW_PATH_JUNK: readonly string[] = ['%zz', '%', '%00', '%C0%AF', '%ED%A0%80', '%FF%FE', '..%2F..%2Fetc', '%2e%2e', 'a%2Fb', '%E2%80%AE', '%25', '%u0041'];

/** Invalid UTF-8 byte sequences to splice into a body. */
export const BAD_BYTES: readonly Buffer[] = [
  Buffer.from([0xff]),
  Buffer.from([0xc3, 0x28]),
  Buffer.from([0xc0, 0xaf]),
  Buffer.from([0xed, 0xa0, 0x80]),
  Buffer.from([0xf4, 0x90, 0x80, 0x80]),
  Buffer.from([0xe2, 0x82]),
  Buffer.from([0x00]),
];
