import { crc32, deflateSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ImageFormatError, type ImageType, imageDimensions, imageOrientation, sniffImage, stripMetadata } from './images.ts';

// Real 3×2 images from libjpeg-turbo's cjpeg (baseline -optimize, and -progressive) and libwebp's cwebp (lossless and
// lossy), so the parsers meet what encoders actually write rather than what these tests imagine they write.
const JPEG_BASELINE = b64(
  '/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDABALDA4MChAODQ4SERATGCgaGBYWGDEjJR0oOjM9PDkzODdASFxOQERXRTc4UG1RV19iZ2hnPk1xeXBkeFxlZ2P/2wBDARESEhgVGC8aGi9jQjhCY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2P/wAARCAACAAMDASIAAhEBAxEB/8QAFQABAQAAAAAAAAAAAAAAAAAAAAH/xAAcEAACAgIDAAAAAAAAAAAAAAABBAADAhEFITH/xAAVAQEBAAAAAAAAAAAAAAAAAAAAAf/EABYRAQEBAAAAAAAAAAAAAAAAAAABMf/aAAwDAQACEQMRAD8Aj6SmXIM7VpOrcx3WPASBERCTH//Z',
);
const JPEG_PROGRESSIVE = b64(
  '/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDABALDA4MChAODQ4SERATGCgaGBYWGDEjJR0oOjM9PDkzODdASFxOQERXRTc4UG1RV19iZ2hnPk1xeXBkeFxlZ2P/2wBDARESEhgVGC8aGi9jQjhCY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2P/wgARCAACAAMDASIAAhEBAxEB/8QAFQABAQAAAAAAAAAAAAAAAAAAAAH/xAAVAQEBAAAAAAAAAAAAAAAAAAAAAf/aAAwDAQACEAMQAAABgT//xAAVEAEBAAAAAAAAAAAAAAAAAAACE//aAAgBAQABBQJg0//EABQRAQAAAAAAAAAAAAAAAAAAAAD/2gAIAQMBAT8Bf//EABQRAQAAAAAAAAAAAAAAAAAAAAD/2gAIAQIBAT8Bf//EABkQAAEFAAAAAAAAAAAAAAAAAAABAiIxUf/aAAgBAQAGPwJ0UvD/xAAWEAADAAAAAAAAAAAAAAAAAAAAAVH/2gAIAQEAAT8hdph//9oADAMBAAIAAwAAABD3/8QAFhEAAwAAAAAAAAAAAAAAAAAAAAEx/9oACAEDAQE/EFD/xAAUEQEAAAAAAAAAAAAAAAAAAAAA/9oACAECAQE/EH//xAAYEAEBAAMAAAAAAAAAAAAAAAABEQAhMf/aAAgBAQABPxC8pD2OChn/2Q==',
);
const WEBP_LOSSLESS = b64(
  'UklGRkYAAABXRUJQVlA4TDoAAAAvAkAAAC9AkG0zp3mN+SbXIAggCTOMNbfZYIIAkpwSHW2SFZ7/AP5nlbMVCShkGwEO3Qt0ChfR/zhW',
);
const WEBP_LOSSY = b64('UklGRjgAAABXRUJQVlA4ICwAAACQAQCdASoDAAIAAsBMJZwAAudLLQAAzj9TDNZmZqBrnI0Qrk/HPy4NDzoAAA==');

// ---------------------------------------------------------------------------------------------------------------------
// Byte builders

function b64(s: string): Uint8Array {
  return new Uint8Array(Buffer.from(s, 'base64'));
}

function latin1(s: string): Uint8Array {
  return new Uint8Array(Buffer.from(s, 'latin1'));
}

function cat(...parts: (Uint8Array | number[] | string)[]): Uint8Array {
  return new Uint8Array(
    Buffer.concat(parts.map((p) => (typeof p === 'string' ? latin1(p) : p instanceof Uint8Array ? p : Uint8Array.from(p)))),
  );
}

function contains(hay: Uint8Array, needle: Uint8Array | string): boolean {
  return Buffer.from(hay).indexOf(typeof needle === 'string' ? latin1(needle) : needle) >= 0;
}

function indexOf(hay: Uint8Array, needle: number[], from = 0): number {
  return Buffer.from(hay).indexOf(Uint8Array.from(needle), from);
}

type ByteOrder = 'II' | 'MM';

function u16(order: ByteOrder, v: number): number[] {
  return order === 'II' ? [v & 0xff, v >> 8] : [v >> 8, v & 0xff];
}

function u32(order: ByteOrder, v: number): number[] {
  const be = [(v >>> 24) & 0xff, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff];
  return order === 'II' ? be.reverse() : be;
}

interface TiffEntry {
  tag: number;
  type: number;
  count: number;
  value: number[];
}

const rational = (order: ByteOrder, ...pairs: [number, number][]): number[] =>
  pairs.flatMap(([n, d]) => [...u32(order, n), ...u32(order, d)]);

/** 27.1234″ as a RATIONAL: the byte pattern a leaked latitude would show. */
const LAT_SECONDS: [number, number] = [271234, 10000];

/** An EXIF TIFF like a phone writes: Make, optional Orientation, and a GPS IFD at 39°54′27.1234″N 116°23′44.1234″E. */
function exifTiff(order: ByteOrder, orientation?: number): Uint8Array {
  const gps: TiffEntry[] = [
    { tag: 0x0001, type: 2, count: 2, value: [0x4e, 0] },
    { tag: 0x0002, type: 5, count: 3, value: rational(order, [39, 1], [54, 1], LAT_SECONDS) },
    { tag: 0x0003, type: 2, count: 2, value: [0x45, 0] },
    { tag: 0x0004, type: 5, count: 3, value: rational(order, [116, 1], [23, 1], [441234, 10000]) },
  ];
  const ifd0: TiffEntry[] = [{ tag: 0x010f, type: 2, count: 6, value: [...latin1('Apple\0')] }];
  if (orientation !== undefined) ifd0.push({ tag: 0x0112, type: 3, count: 1, value: u16(order, orientation) });
  ifd0.push({ tag: 0x8825, type: 4, count: 1, value: [] }); // value patched below: the GPS IFD offset

  const ifdBytes = (entries: TiffEntry[], at: number, gpsAt: number): number[] => {
    const dir: number[] = [...u16(order, entries.length)];
    const data: number[] = [];
    let dataAt = at + 2 + 12 * entries.length + 4;
    for (const e of entries) {
      dir.push(...u16(order, e.tag), ...u16(order, e.type), ...u32(order, e.count));
      const value = e.tag === 0x8825 ? u32(order, gpsAt) : e.value;
      if (value.length <= 4) {
        dir.push(...value, ...new Array<number>(4 - value.length).fill(0));
      } else {
        dir.push(...u32(order, dataAt));
        data.push(...value);
        dataAt += value.length;
      }
    }
    return [...dir, ...u32(order, 0), ...data];
  };
  const ifd0Size = ifdBytes(ifd0, 8, 0).length;
  const head = [...latin1(order), ...u16(order, 42), ...u32(order, 8)];
  return Uint8Array.from([...head, ...ifdBytes(ifd0, 8, 8 + ifd0Size), ...ifdBytes(gps, 8 + ifd0Size, 0)]);
}

function jpegSegment(marker: number, payload: Uint8Array): Uint8Array {
  const len = payload.length + 2;
  return cat([0xff, marker, len >> 8, len & 0xff], payload);
}

const exifApp1 = (tiff: Uint8Array): Uint8Array => jpegSegment(0xe1, cat('Exif\0\0', tiff));
const XMP = '<x:xmpmeta><rdf:Description exif:GPSLatitude="39,54.452N"/></x:xmpmeta>';

/** Offsets of the header segments' markers, SOS included: the places where a segment can be spliced in. */
function jpegBoundaries(jpeg: Uint8Array): number[] {
  const out: number[] = [];
  let p = 2;
  for (;;) {
    out.push(p);
    if (jpeg[p + 1] === 0xda) return out;
    p += 2 + ((jpeg[p + 2]! << 8) | jpeg[p + 3]!);
  }
}

function splice(buf: Uint8Array, at: number, ...inserted: Uint8Array[]): Uint8Array {
  return cat(buf.subarray(0, at), ...inserted, buf.subarray(at));
}

/** After SOI and APP0, where phones put their EXIF. */
const AFTER_APP0 = 20;

function pngChunk(type: string, data: Uint8Array | string): Uint8Array {
  const body = cat(type, data);
  return cat(u32('MM', body.length - 4), body, u32('MM', crc32(body)));
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const IHDR = pngChunk('IHDR', cat(u32('MM', 3), u32('MM', 2), [8, 2, 0, 0, 0])); // 3×2, 8-bit RGB
// Two rows of three RGB pixels, each row prefixed by filter type 0.
const IDAT = pngChunk('IDAT', deflateSync(Uint8Array.from([0, 200, 50, 50, 16, 128, 240, 0, 0, 0, 0, 255, 255, 255, 32, 160, 32, 128, 128, 128])));
const IEND = pngChunk('IEND', '');

function png(beforeData: Uint8Array[] = [], afterData: Uint8Array[] = []): Uint8Array {
  return cat(PNG_SIGNATURE, IHDR, ...beforeData, IDAT, ...afterData, IEND);
}

function riffChunk(fourcc: string, data: Uint8Array): Uint8Array {
  return cat(fourcc, u32('II', data.length), data, data.length % 2 ? [0] : []);
}

function webp(...chunks: Uint8Array[]): Uint8Array {
  const body = cat('WEBP', ...chunks);
  return cat('RIFF', u32('II', body.length), body);
}

function vp8x(flags: number, width = 3, height = 2): Uint8Array {
  const w = width - 1;
  const h = height - 1;
  return riffChunk('VP8X', Uint8Array.from([flags, 0, 0, 0, w & 0xff, (w >> 8) & 0xff, w >> 16, h & 0xff, (h >> 8) & 0xff, h >> 16]));
}

/** The VP8L chunk (header + data) of the lossless fixture. */
const VP8L_CHUNK = WEBP_LOSSLESS.subarray(12);

interface Chunk {
  type: string;
  bytes: Uint8Array;
}

function pngChunks(buf: Uint8Array): Chunk[] {
  const out: Chunk[] = [];
  for (let p = 8; p < buf.length; ) {
    const len = Buffer.from(buf).readUInt32BE(p);
    out.push({ type: Buffer.from(buf.subarray(p + 4, p + 8)).toString('latin1'), bytes: buf.subarray(p, p + 12 + len) });
    p += 12 + len;
  }
  return out;
}

function riffChunks(buf: Uint8Array): Chunk[] {
  const out: Chunk[] = [];
  for (let p = 12; p < buf.length; ) {
    const len = Buffer.from(buf).readUInt32LE(p + 4);
    out.push({ type: Buffer.from(buf.subarray(p, p + 4)).toString('latin1'), bytes: buf.subarray(p, p + 8 + len + (len % 2)) });
    p += 8 + len + (len % 2);
  }
  return out;
}

const FIXTURES: [string, Uint8Array, ImageType][] = [
  ['baseline JPEG', JPEG_BASELINE, 'image/jpeg'],
  ['progressive JPEG', JPEG_PROGRESSIVE, 'image/jpeg'],
  ['PNG', png(), 'image/png'],
  ['lossless WebP', WEBP_LOSSLESS, 'image/webp'],
  ['lossy WebP', WEBP_LOSSY, 'image/webp'],
  ['extended WebP', webp(vp8x(0x0c), VP8L_CHUNK, riffChunk('EXIF', exifTiff('II'))), 'image/webp'],
];

// ---------------------------------------------------------------------------------------------------------------------

describe('sniffImage', () => {
  it.each(FIXTURES)('recognises a %s by its bytes', (_name, buf, type) => {
    expect(sniffImage(buf)).toBe(type);
  });

  it.each([
    ['a PDF renamed .jpg', '%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n%%EOF\n'],
    ['a GIF', 'GIF89a\x01\x00\x01\x00\x80\x00\x00\xff\xff\xff\x00\x00\x00!\xf9\x04\x01\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;'],
    ['an SVG', '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'],
    ['an SVG with an XML declaration', '<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"/>'],
    ['HTML', '<!doctype html><html><body><img src=x onerror=alert(1)></body></html>'],
    ['an empty file', ''],
    ['a WAV file (RIFF, not WEBP)', 'RIFF\x24\x00\x00\x00WAVEfmt \x10\x00\x00\x00\x01\x00\x01\x00'],
    ['a JPEG magic followed by a PDF', '\xff\xd8\xff%PDF-1.4\n'],
    ['a PNG signature followed by junk', '\x89PNG\r\n\x1a\nnot really a png at all'],
    ['a PNG without image data', cat(PNG_SIGNATURE, IHDR, IEND)],
    ['a JPEG whose first segment runs past the end', '\xff\xd8\xff\xe0\xff\xff'],
    ['a JPEG without a frame header', cat(JPEG_BASELINE.subarray(0, 20), JPEG_BASELINE.subarray(indexOf(JPEG_BASELINE, [0xff, 0xc4])))],
    ['a WebP whose RIFF size exceeds the file', cat(WEBP_LOSSY.subarray(0, 4), u32('II', 200), WEBP_LOSSY.subarray(8))],
    ['a WebP with an unknown first chunk', webp(riffChunk('JUNK', latin1('abcd')), VP8L_CHUNK)],
    ['a VP8X WebP without image data', webp(vp8x(0x08), riffChunk('EXIF', exifTiff('II')))],
  ])('refuses %s', (_name, content) => {
    expect(sniffImage(typeof content === 'string' ? latin1(content) : content)).toBeNull();
  });

  it.each(FIXTURES)('refuses every truncation of a %s', (_name, buf) => {
    for (let n = 0; n < buf.length; n++) expect(sniffImage(buf.subarray(0, n)), `first ${n} bytes`).toBeNull();
  });

  it('never throws, whatever the bytes', () => {
    const magics = [[0xff, 0xd8, 0xff], PNG_SIGNATURE, [...latin1('RIFF')]];
    fc.assert(
      fc.property(fc.constantFrom(...magics, []), fc.uint8Array({ maxLength: 200 }), (magic, rest) => {
        const t = sniffImage(cat(magic, rest));
        expect(t === null || typeof t === 'string').toBe(true);
      }),
      { numRuns: 500 },
    );
  });
});

describe('stripMetadata: JPEG', () => {
  it('removes EXIF with GPS, XMP, IPTC, ICC and comments, and leaves exactly the encoder output', () => {
    const tiff = exifTiff('II');
    const dirty = splice(
      JPEG_BASELINE,
      AFTER_APP0,
      exifApp1(tiff),
      jpegSegment(0xe1, cat('http://ns.adobe.com/xap/1.0/\0', XMP)),
      jpegSegment(0xe2, cat('ICC_PROFILE\0\x01\x01', 'fake profile')),
      jpegSegment(0xed, cat('Photoshop 3.0\x008BIM', 'Chaoyang District')),
      jpegSegment(0xfe, latin1('shot from my balcony')),
    );
    expect(sniffImage(dirty)).toBe('image/jpeg');
    expect(contains(dirty, 'Exif\0\0')).toBe(true);
    expect(contains(dirty, Uint8Array.from(rational('II', LAT_SECONDS)))).toBe(true);

    const clean = stripMetadata(dirty, 'image/jpeg');
    expect(contains(clean, 'Exif\0\0')).toBe(false);
    expect(contains(clean, Uint8Array.from(rational('II', LAT_SECONDS)))).toBe(false);
    for (const leak of ['Apple', 'GPSLatitude', 'ICC_PROFILE', 'Chaoyang', 'balcony']) expect(contains(clean, leak)).toBe(false);
    expect(sniffImage(clean)).toBe('image/jpeg');
    expect(clean).toEqual(JPEG_BASELINE);
  });

  it('copies the data from SOS on untouched and keeps APP0 and the tables', () => {
    const dirty = splice(JPEG_PROGRESSIVE, AFTER_APP0, exifApp1(exifTiff('MM')));
    const clean = stripMetadata(dirty, 'image/jpeg');
    const sos = (b: Uint8Array) => b.subarray(indexOf(b, [0xff, 0xda]));
    expect(sos(clean)).toEqual(sos(JPEG_PROGRESSIVE));
    expect(clean.subarray(0, AFTER_APP0)).toEqual(JPEG_PROGRESSIVE.subarray(0, AFTER_APP0)); // SOI + JFIF
    expect(clean).toEqual(JPEG_PROGRESSIVE);
  });

  it('returns a new buffer and leaves its input alone', () => {
    const input = JPEG_BASELINE.slice();
    const out = stripMetadata(input, 'image/jpeg');
    expect(out).not.toBe(input);
    expect(out.buffer).not.toBe(input.buffer);
    expect(input).toEqual(JPEG_BASELINE);
  });

  it('drops metadata segments between progressive scans and trailing images after EOI', () => {
    const secondScan = indexOf(JPEG_PROGRESSIVE, [0xff, 0xda], indexOf(JPEG_PROGRESSIVE, [0xff, 0xda]) + 2);
    const withComment = splice(JPEG_PROGRESSIVE, secondScan, jpegSegment(0xfe, latin1('home address')));
    // A multi-picture trailer (depth map, motion photo) with its own EXIF, after the primary image's EOI.
    const trailer = splice(JPEG_BASELINE, AFTER_APP0, exifApp1(exifTiff('II')));
    const dirty = cat(withComment, trailer);
    expect(sniffImage(dirty)).toBe('image/jpeg');
    const clean = stripMetadata(dirty, 'image/jpeg');
    expect(clean).toEqual(JPEG_PROGRESSIVE);
  });

  it('keeps the orientation as a minimal EXIF block, and nothing else of it', () => {
    for (const order of ['II', 'MM'] as const) {
      const dirty = splice(JPEG_BASELINE, AFTER_APP0, exifApp1(exifTiff(order, 6)));
      expect(imageOrientation(dirty, 'image/jpeg')).toBe(6);
      const clean = stripMetadata(dirty, 'image/jpeg');
      expect(imageOrientation(clean, 'image/jpeg')).toBe(6);
      expect(contains(clean, 'Apple')).toBe(false);
      expect(contains(clean, Uint8Array.from(rational(order, LAT_SECONDS)))).toBe(false);
      expect(clean.length).toBe(JPEG_BASELINE.length + 2 + 2 + 6 + 26);
      expect(stripMetadata(clean, 'image/jpeg')).toEqual(clean);
      expect(stripMetadata(dirty, 'image/jpeg', { keepOrientation: false })).toEqual(JPEG_BASELINE);
    }
    // Orientation 1 (upright) needs no EXIF at all.
    expect(stripMetadata(splice(JPEG_BASELINE, AFTER_APP0, exifApp1(exifTiff('MM', 1))), 'image/jpeg')).toEqual(JPEG_BASELINE);
  });
});

describe('stripMetadata: PNG', () => {
  const kept = [pngChunk('gAMA', cat(u32('MM', 45455))), pngChunk('pHYs', cat(u32('MM', 2835), u32('MM', 2835), [1]))];

  it('removes eXIf, text and time chunks and copies every other chunk byte-exact', () => {
    const dirty = png(
      [
        kept[0]!,
        pngChunk('eXIf', exifTiff('MM')),
        pngChunk('tEXt', 'Comment\0shot from my balcony'),
        pngChunk('tIME', Uint8Array.from([7, 234, 11, 26, 13, 9, 0])),
        kept[1]!,
      ],
      [pngChunk('iTXt', cat('XML:com.adobe.xmp\0\0\0\0\0', XMP)), pngChunk('zTXt', cat('Author\0\0', deflateSync(latin1('Zhang San'))))],
    );
    expect(sniffImage(dirty)).toBe('image/png');
    const clean = stripMetadata(dirty, 'image/png');
    expect(clean).toEqual(png(kept));
    expect(pngChunks(clean).map((c) => c.type)).toEqual(['IHDR', 'gAMA', 'pHYs', 'IDAT', 'IEND']);
    expect(contains(clean, Uint8Array.from(rational('MM', LAT_SECONDS)))).toBe(false);
    expect(contains(clean, 'balcony')).toBe(false);
    for (const c of pngChunks(clean)) {
      const crc = Buffer.from(c.bytes).readUInt32BE(c.bytes.length - 4);
      expect(crc32(c.bytes.subarray(4, c.bytes.length - 4))).toBe(crc);
    }
    expect(sniffImage(clean)).toBe('image/png');
  });

  it('drops bytes after IEND', () => {
    const trailing = cat(png(), 'PK\x03\x04 a zip file riding along');
    expect(sniffImage(trailing)).toBe('image/png');
    expect(stripMetadata(trailing, 'image/png')).toEqual(png());
  });

  it('keeps the orientation in a fresh eXIf chunk with a valid CRC', () => {
    const clean = stripMetadata(png([pngChunk('eXIf', exifTiff('II', 8))]), 'image/png');
    expect(imageOrientation(clean, 'image/png')).toBe(8);
    const exif = pngChunks(clean).find((c) => c.type === 'eXIf')!;
    expect(crc32(exif.bytes.subarray(4, -4))).toBe(Buffer.from(exif.bytes).readUInt32BE(exif.bytes.length - 4));
    expect(pngChunks(clean).map((c) => c.type)).toEqual(['IHDR', 'eXIf', 'IDAT', 'IEND']);
    expect(contains(clean, Uint8Array.from(rational('II', LAT_SECONDS)))).toBe(false);
  });
});

describe('stripMetadata: WebP', () => {
  it('removes EXIF and XMP chunks, clears their VP8X flags and fixes the RIFF size', () => {
    const xmp = latin1(XMP + ' '); // odd length: exercises the padding byte
    const dirty = webp(vp8x(0x08 | 0x04), VP8L_CHUNK, riffChunk('EXIF', exifTiff('II')), riffChunk('XMP ', xmp));
    expect(sniffImage(dirty)).toBe('image/webp');
    const clean = stripMetadata(dirty, 'image/webp');
    expect(clean).toEqual(webp(vp8x(0), VP8L_CHUNK));
    expect(riffChunks(clean).map((c) => c.type)).toEqual(['VP8X', 'VP8L']);
    expect(riffChunks(clean)[1]!.bytes).toEqual(VP8L_CHUNK);
    expect(Buffer.from(clean).readUInt32LE(4)).toBe(clean.length - 8);
    expect(contains(clean, Uint8Array.from(rational('II', LAT_SECONDS)))).toBe(false);
    expect(sniffImage(clean)).toBe('image/webp');
  });

  it('keeps the ICC and alpha flags', () => {
    const clean = stripMetadata(webp(vp8x(0x20 | 0x10 | 0x08), riffChunk('ICCP', latin1('icc!')), VP8L_CHUNK), 'image/webp');
    expect(clean[20]).toBe(0x30);
  });

  it('drops a stray EXIF chunk from a simple (lossy) file', () => {
    const dirty = cat(webp(...riffChunks(WEBP_LOSSY).map((c) => c.bytes), riffChunk('EXIF', exifTiff('MM', 3))));
    expect(sniffImage(dirty)).toBe('image/webp');
    expect(stripMetadata(dirty, 'image/webp')).toEqual(WEBP_LOSSY);
  });

  it('keeps the orientation in an extended file and sets the EXIF flag for it', () => {
    const clean = stripMetadata(webp(vp8x(0x08), VP8L_CHUNK, riffChunk('EXIF', exifTiff('MM', 5))), 'image/webp');
    expect(imageOrientation(clean, 'image/webp')).toBe(5);
    expect(clean[20]).toBe(0x08);
    expect(riffChunks(clean).map((c) => c.type)).toEqual(['VP8X', 'VP8L', 'EXIF']);
    expect(contains(clean, 'Apple')).toBe(false);
    expect(stripMetadata(clean, 'image/webp')).toEqual(clean);
  });
});

describe('stripMetadata: refusals', () => {
  it('throws ImageFormatError on a type mismatch, a non-image and a truncated image', () => {
    expect(() => stripMetadata(latin1('%PDF-1.4\n'), 'image/jpeg')).toThrow(ImageFormatError);
    expect(() => stripMetadata(JPEG_BASELINE, 'image/png')).toThrow(/not a image\/png/);
    expect(() => stripMetadata(JPEG_BASELINE.subarray(0, 200), 'image/jpeg')).toThrow(/malformed JPEG/);
    expect(() => stripMetadata(png().subarray(0, 40), 'image/png')).toThrow(/malformed PNG/);
    expect(() => stripMetadata(WEBP_LOSSY.subarray(0, 30), 'image/webp')).toThrow(/malformed WebP/);
    expect(() => stripMetadata(new Uint8Array(0), 'image/webp')).toThrow(ImageFormatError);
  });
});

describe('imageDimensions', () => {
  it.each(FIXTURES)('reads 3×2 from a %s', (_name, buf, type) => {
    expect(imageDimensions(buf, type)).toEqual({ width: 3, height: 2 });
  });

  it('reads the VP8X canvas and returns null for what it cannot read', () => {
    expect(imageDimensions(webp(vp8x(0, 4000, 3000), VP8L_CHUNK), 'image/webp')).toEqual({ width: 4000, height: 3000 });
    expect(imageDimensions(latin1('%PDF-1.4'), 'image/jpeg')).toBeNull();
    expect(imageDimensions(JPEG_BASELINE.subarray(0, 100), 'image/jpeg')).toBeNull();
    expect(imageDimensions(png(), 'image/webp')).toBeNull();
  });
});

// ---------------------------------------------------------------------------------------------------------------------

describe('properties', () => {
  const payload = fc.uint8Array({ maxLength: 120 });
  const orientation = fc.option(fc.integer({ min: 0, max: 10 }), { nil: undefined });
  const order = fc.constantFrom<ByteOrder>('II', 'MM');

  function checkStrip(dirty: Uint8Array, type: ImageType, expectedWithoutOrientation: Uint8Array): void {
    expect(sniffImage(dirty)).toBe(type);
    const clean = stripMetadata(dirty, type);
    expect(sniffImage(clean)).toBe(type);
    expect(stripMetadata(clean, type)).toEqual(clean);
    expect(stripMetadata(dirty, type, { keepOrientation: false })).toEqual(expectedWithoutOrientation);
    expect(contains(clean, 'Apple\0')).toBe(false);
  }

  it('JPEG: any APP1–APP15/COM segments anywhere before SOS are removed, idempotently', () => {
    const base = fc.constantFrom(JPEG_BASELINE, JPEG_PROGRESSIVE);
    const segment = fc.record({ marker: fc.constantFrom(...Array.from({ length: 15 }, (_, i) => 0xe1 + i), 0xfe), payload });
    fc.assert(
      fc.property(base, fc.array(fc.tuple(fc.nat(), segment), { maxLength: 6 }), orientation, order, (jpeg, segs, o, bo) => {
        const at = jpegBoundaries(jpeg);
        let dirty = jpeg;
        // Insert from the last boundary backwards so earlier offsets stay valid.
        const inserts = segs.map(([i, s]) => [at[i % at.length]!, jpegSegment(s.marker, s.payload)] as const);
        if (o !== undefined || segs.length === 0) inserts.push([AFTER_APP0, exifApp1(exifTiff(bo, o))]);
        for (const [pos, bytes] of inserts.sort((a, b) => b[0] - a[0])) dirty = splice(dirty, pos, bytes);
        checkStrip(dirty, 'image/jpeg', jpeg);
      }),
      { numRuns: 300 },
    );
  });

  it('PNG: any metadata chunks before or after IDAT are removed and other chunks kept, idempotently', () => {
    const PNG_METADATA = ['tEXt', 'zTXt', 'iTXt', 'tIME', 'eXIf'];
    const meta = fc.tuple(fc.constantFrom(...PNG_METADATA), payload);
    const other = fc.tuple(fc.constantFrom('gAMA', 'pHYs', 'sRGB', 'prVt'), payload);
    const chunk = fc.tuple(fc.boolean(), fc.oneof(meta, other));
    fc.assert(
      fc.property(fc.array(chunk, { maxLength: 8 }), orientation, order, (chunks, o, bo) => {
        // `beforeData` picks the chunks placed before IDAT (or after it); `onlyKept` leaves out the metadata ones.
        const placed = (beforeData: boolean, onlyKept: boolean): Uint8Array[] =>
          chunks
            .filter(([b, [t]]) => b === beforeData && (!onlyKept || !PNG_METADATA.includes(t)))
            .map(([, [t, d]]) => pngChunk(t, d));
        const exif = o === undefined ? [] : [pngChunk('eXIf', exifTiff(bo, o))];
        checkStrip(png([...exif, ...placed(true, false)], placed(false, false)), 'image/png', png(placed(true, true), placed(false, true)));
      }),
      { numRuns: 300 },
    );
  });

  it('WebP: any EXIF/XMP chunks are removed and other chunks kept, idempotently', () => {
    const chunk = fc.tuple(fc.constantFrom('EXIF', 'XMP ', 'ICCP', 'JUNK'), payload);
    fc.assert(
      fc.property(fc.array(chunk, { maxLength: 6 }), fc.integer({ min: 0, max: 255 }), orientation, order, (chunks, flags, o, bo) => {
        const tail = (keep: boolean) => chunks.filter(([t]) => !keep || (t !== 'EXIF' && t !== 'XMP ')).map(([t, d]) => riffChunk(t, d));
        const exif = o === undefined ? [] : [riffChunk('EXIF', exifTiff(bo, o))];
        const dirty = webp(vp8x(flags), VP8L_CHUNK, ...exif, ...tail(false));
        checkStrip(dirty, 'image/webp', webp(vp8x(flags & ~0x0c), VP8L_CHUNK, ...tail(true)));
      }),
      { numRuns: 300 },
    );
  });

  it('whatever sniffImage accepts, stripMetadata strips without throwing (mutated and truncated images)', () => {
    const dirtyFixtures = [
      splice(JPEG_PROGRESSIVE, AFTER_APP0, exifApp1(exifTiff('MM', 6)), jpegSegment(0xfe, latin1('comment'))),
      png([pngChunk('eXIf', exifTiff('II', 6)), pngChunk('tEXt', 'k\0v')]),
      webp(vp8x(0x0c), VP8L_CHUNK, riffChunk('EXIF', exifTiff('II', 6)), riffChunk('XMP ', latin1('x'))),
      ...FIXTURES.map(([, buf]) => buf),
    ];
    const mutation = fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 });
    fc.assert(
      fc.property(fc.constantFrom(...dirtyFixtures), mutation, fc.option(fc.nat()), (buf, edits, cut) => {
        const b = buf.slice(0, cut === null ? undefined : cut % (buf.length + 1));
        for (const [i, v] of edits) if (b.length > 0) b[i % b.length] = v;
        const type = sniffImage(b);
        if (type === null) return;
        const clean = stripMetadata(b, type);
        expect(sniffImage(clean)).toBe(type);
        expect(stripMetadata(clean, type)).toEqual(clean);
        expect(imageDimensions(b, type)).toEqual(imageDimensions(clean, type));
      }),
      { numRuns: 2000 },
    );
  });
});
