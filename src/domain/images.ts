/**
 * Residents' photos: content sniffing and metadata stripping at the byte level. Photos taken on a phone carry EXIF GPS
 * coordinates (often the resident's home), the device model and capture time; none of that may reach the public. The
 * upload's declared name and MIME type are not trusted: only the bytes decide what a file is, so a PDF or an SVG (which
 * can carry script) renamed `.jpg` is refused.
 *
 * The parsers are deliberately strict about structure and lenient about nothing: a file is accepted only when its
 * whole container (JPEG segment chain through EOI, PNG chunks through IEND, the RIFF chunk list) is in bounds, so
 * `stripMetadata` never has to guess where metadata ends. No Node APIs are used, so the same code could run in the
 * browser to strip before upload.
 */

export type ImageType = 'image/jpeg' | 'image/png' | 'image/webp';

export interface ImageSize {
  width: number;
  height: number;
}

export interface StripOptions {
  /**
   * Keep the EXIF orientation as a fresh, minimal EXIF block holding that single tag (default true). Phones store
   * portrait photos as rotated landscape pixels plus an orientation tag; dropping the tag would show them sideways.
   * The rewritten block is built from scratch, so nothing else of the original EXIF survives.
   */
  keepOrientation?: boolean;
}

/** The bytes are not a well-formed image of the expected type; the server maps this to a 4xx, not a 500. */
export class ImageFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ImageFormatError';
  }
}

/** What the bytes are, or null for anything that is not a structurally sound JPEG, PNG or WebP. Never throws. */
export function sniffImage(buf: Uint8Array): ImageType | null {
  const type = magicType(buf);
  if (type === null) return null;
  try {
    parse(buf, type);
    return type;
  } catch (e) {
    if (e instanceof ImageFormatError) return null;
    throw e;
  }
}

/**
 * A new buffer without metadata. JPEG: APP1–APP15 (EXIF, XMP, ICC, MPF, IPTC…) and COM segments go, APP0 (JFIF), the
 * tables and the frame header stay, and the data from the first SOS to EOI is copied untouched (apart from APPn/COM
 * segments between progressive scans, which no encoder we know writes but which would otherwise be a hiding place).
 * PNG: eXIf, tEXt, zTXt, iTXt and tIME chunks go; every other chunk is copied byte-exact with its CRC. WebP: EXIF and
 * `XMP ` chunks go, the VP8X flags are updated and the RIFF size fixed. In all three, bytes after the end of the image
 * (EOI, IEND, the RIFF size) are dropped: phones append secondary images (MPF depth maps, motion-photo videos) there,
 * and those carry their own EXIF with GPS. Throws ImageFormatError on malformed input or a type mismatch.
 */
export function stripMetadata(buf: Uint8Array, type: ImageType, options: StripOptions = {}): Uint8Array {
  if (magicType(buf) !== type) throw new ImageFormatError(`not a ${type} file`);
  const keepOrientation = options.keepOrientation ?? true;
  switch (type) {
    case 'image/jpeg':
      return stripJpeg(buf, keepOrientation);
    case 'image/png':
      return stripPng(buf, keepOrientation);
    case 'image/webp':
      return stripWebp(buf, keepOrientation);
  }
}

/**
 * Stored pixel dimensions (before EXIF orientation is applied: for orientations 5–8 the displayed image is height ×
 * width), or null when the file is malformed or does not declare them (a JPEG whose height comes from a DNL marker).
 */
export function imageDimensions(buf: Uint8Array, type: ImageType): ImageSize | null {
  if (magicType(buf) !== type) return null;
  try {
    return parse(buf, type).size;
  } catch (e) {
    if (e instanceof ImageFormatError) return null;
    throw e;
  }
}

/** The EXIF orientation (1–8; 1 when absent, unreadable or out of range). Throws ImageFormatError like stripMetadata. */
export function imageOrientation(buf: Uint8Array, type: ImageType): number {
  if (magicType(buf) !== type) throw new ImageFormatError(`not a ${type} file`);
  switch (type) {
    case 'image/jpeg': {
      const layout = parseJpeg(buf);
      return jpegOrientation(buf, layout.segments);
    }
    case 'image/png':
      return pngOrientation(buf, parsePng(buf).chunks);
    case 'image/webp':
      return webpOrientation(buf, parseWebp(buf).chunks);
  }
}

// ---------------------------------------------------------------------------------------------------------------------
// Shared byte helpers

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

function magicType(b: Uint8Array): ImageType | null {
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'image/jpeg';
  if (b.length >= 8 && PNG_SIGNATURE.every((v, i) => b[i] === v)) return 'image/png';
  if (b.length >= 12 && ascii(b, 0, 4) === 'RIFF' && ascii(b, 8, 4) === 'WEBP') return 'image/webp';
  return null;
}

function parse(b: Uint8Array, type: ImageType): { size: ImageSize | null } {
  switch (type) {
    case 'image/jpeg':
      return parseJpeg(b);
    case 'image/png':
      return parsePng(b);
    case 'image/webp':
      return parseWebp(b);
  }
}

/** Callers check bounds first; the `!` below are safe by that contract. */
function ascii(b: Uint8Array, p: number, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += String.fromCharCode(b[p + i] ?? 0);
  return s;
}

function be16(b: Uint8Array, p: number): number {
  return (b[p]! << 8) | b[p + 1]!;
}

// Multiplication instead of `<< 24`, which would turn values ≥ 2^31 negative.
function be32(b: Uint8Array, p: number): number {
  return b[p]! * 0x1000000 + ((b[p + 1]! << 16) | (b[p + 2]! << 8) | b[p + 3]!);
}

function le16(b: Uint8Array, p: number): number {
  return b[p]! | (b[p + 1]! << 8);
}

function le24(b: Uint8Array, p: number): number {
  return b[p]! | (b[p + 1]! << 8) | (b[p + 2]! << 16);
}

function le32(b: Uint8Array, p: number): number {
  return b[p + 3]! * 0x1000000 + (b[p]! | (b[p + 1]! << 8) | (b[p + 2]! << 16));
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function startsWith(b: Uint8Array, p: number, prefix: readonly number[]): boolean {
  return p + prefix.length <= b.length && prefix.every((v, i) => b[p + i] === v);
}

const hex = (n: number): string => n.toString(16).toUpperCase().padStart(2, '0');

// ---------------------------------------------------------------------------------------------------------------------
// EXIF orientation: read from a TIFF structure, and a minimal TIFF holding only that tag

const EXIF_HEADER = [0x45, 0x78, 0x69, 0x66, 0x00, 0x00]; // "Exif\0\0"
const ORIENTATION_TAG = 0x0112;

function tiffOrientation(t: Uint8Array): number {
  if (t.length < 8) return 1;
  const little = t[0] === 0x49 && t[1] === 0x49;
  if (!little && !(t[0] === 0x4d && t[1] === 0x4d)) return 1;
  const u16 = (p: number): number => (little ? le16(t, p) : be16(t, p));
  const u32 = (p: number): number => (little ? le32(t, p) : be32(t, p));
  if (u16(2) !== 42) return 1;
  const ifd = u32(4);
  if (ifd + 2 > t.length) return 1;
  const count = u16(ifd);
  for (let i = 0; i < count; i++) {
    const e = ifd + 2 + 12 * i;
    if (e + 12 > t.length) return 1;
    // SHORT, count 1: the value sits in the first two bytes of the value field in the file's byte order.
    if (u16(e) === ORIENTATION_TAG && u16(e + 2) === 3 && u32(e + 4) === 1) {
      const v = u16(e + 8);
      return v >= 1 && v <= 8 ? v : 1;
    }
  }
  return 1;
}

/** Big-endian TIFF header, one IFD with one entry (Orientation, SHORT), no next IFD: 26 bytes. */
function orientationTiff(orientation: number): Uint8Array {
  return Uint8Array.from([
    0x4d, 0x4d, 0x00, 0x2a, 0x00, 0x00, 0x00, 0x08, 0x00, 0x01, 0x01, 0x12, 0x00, 0x03, 0x00, 0x00, 0x00, 0x01, 0x00,
    orientation, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
  ]);
}

/** PNG eXIf and WebP EXIF hold bare TIFF, but some writers prepend the JPEG-style "Exif\0\0"; accept both. */
function tiffOrientationMaybePrefixed(data: Uint8Array): number {
  return tiffOrientation(startsWith(data, 0, EXIF_HEADER) ? data.subarray(EXIF_HEADER.length) : data);
}

// ---------------------------------------------------------------------------------------------------------------------
// JPEG

interface JpegSegment {
  marker: number;
  /** The segment's 0xFF marker byte (after any fill bytes). */
  start: number;
  end: number;
}

interface JpegLayout {
  /** Segments between SOI and the first SOS. */
  segments: JpegSegment[];
  /** The first SOS marker. */
  scanStart: number;
  /** Just past EOI. */
  end: number;
  /** APPn/COM segments found between scans, to leave out when stripping. */
  scanMetadata: JpegSegment[];
  size: ImageSize | null;
}

// SOF0–SOF15 except DHT (C4), JPG (C8) and DAC (CC), which share the range.
function isSof(m: number): boolean {
  return m >= 0xc0 && m <= 0xcf && m !== 0xc4 && m !== 0xc8 && m !== 0xcc;
}

function isJpegMetadata(m: number): boolean {
  return (m >= 0xe1 && m <= 0xef) || m === 0xfe;
}

// RSTn, TEM and a stuffed zero carry no length field.
function isStandalone(m: number): boolean {
  return m === 0x00 || m === 0x01 || (m >= 0xd0 && m <= 0xd7);
}

function jpegError(why: string): ImageFormatError {
  return new ImageFormatError(`malformed JPEG: ${why}`);
}

function parseJpeg(b: Uint8Array): JpegLayout {
  if (b.length < 4 || b[0] !== 0xff || b[1] !== 0xd8) throw jpegError('no start-of-image marker');
  const segments: JpegSegment[] = [];
  let size: ImageSize | null = null;
  let sawFrame = false;
  let pos = 2;
  for (;;) {
    if (pos >= b.length) throw jpegError('ends before the image data');
    if (b[pos] !== 0xff) throw jpegError(`expected a marker at byte ${pos}`);
    while (pos + 1 < b.length && b[pos + 1] === 0xff) pos++; // fill bytes may precede any marker
    if (pos + 1 >= b.length) throw jpegError('ends inside a marker');
    const marker = b[pos + 1]!;
    if (marker === 0x01) {
      segments.push({ marker, start: pos, end: pos + 2 });
      pos += 2;
      continue;
    }
    if (isStandalone(marker) || marker === 0xd8 || marker === 0xd9) {
      throw jpegError(`unexpected marker FF${hex(marker)} before the image data`);
    }
    if (pos + 4 > b.length) throw jpegError('ends inside a segment length');
    const len = be16(b, pos + 2);
    const end = pos + 2 + len;
    if (len < 2 || end > b.length) throw jpegError(`segment FF${hex(marker)} at byte ${pos} overruns the file`);
    if (isSof(marker)) {
      if (len < 8) throw jpegError('frame header too short');
      sawFrame = true;
      const height = be16(b, pos + 5);
      const width = be16(b, pos + 7);
      size = width > 0 && height > 0 ? { width, height } : null;
    }
    if (marker === 0xda) {
      if (!sawFrame) throw jpegError('image data before any frame header');
      if (len < 6) throw jpegError('scan header too short');
      const scan = walkScans(b, end);
      return { segments, scanStart: pos, end: scan.end, scanMetadata: scan.metadata, size };
    }
    segments.push({ marker, start: pos, end });
    pos = end;
  }
}

/**
 * From the end of the first SOS header to EOI. Entropy-coded data escapes 0xFF as FF 00, so any other FF xx is a
 * marker: RSTn/TEM stand alone, anything else (DHT, SOS, DQT… between progressive scans) has a length to skip. A
 * missing EOI means a truncated upload.
 */
function walkScans(b: Uint8Array, from: number): { end: number; metadata: JpegSegment[] } {
  const metadata: JpegSegment[] = [];
  let q = from;
  for (;;) {
    q = b.indexOf(0xff, q);
    if (q < 0 || q + 1 >= b.length) throw jpegError('no end-of-image marker (truncated?)');
    const m = b[q + 1]!;
    if (m === 0xd9) return { end: q + 2, metadata };
    if (m === 0xff) {
      q += 1;
      continue;
    }
    if (isStandalone(m)) {
      q += 2;
      continue;
    }
    if (m === 0xd8) throw jpegError('a second start-of-image inside the image data');
    if (q + 4 > b.length) throw jpegError('ends inside a segment length');
    const len = be16(b, q + 2);
    if (len < 2 || q + 2 + len > b.length) throw jpegError(`segment FF${hex(m)} at byte ${q} overruns the file`);
    if (isJpegMetadata(m)) metadata.push({ marker: m, start: q, end: q + 2 + len });
    q += 2 + len;
  }
}

function jpegOrientation(b: Uint8Array, segments: JpegSegment[]): number {
  // The EXIF APP1 starts "Exif\0" (the sixth byte is meant to be 0 but some writers put FF there).
  const exif = segments.find((s) => s.marker === 0xe1 && startsWith(b, s.start + 4, EXIF_HEADER.slice(0, 5)));
  if (!exif || exif.end - exif.start < 4 + EXIF_HEADER.length) return 1;
  return tiffOrientation(b.subarray(exif.start + 4 + EXIF_HEADER.length, exif.end));
}

function jpegExifSegment(orientation: number): Uint8Array {
  const tiff = orientationTiff(orientation);
  const len = 2 + EXIF_HEADER.length + tiff.length;
  return concat([Uint8Array.from([0xff, 0xe1, len >> 8, len & 0xff, ...EXIF_HEADER]), tiff]);
}

function stripJpeg(b: Uint8Array, keepOrientation: boolean): Uint8Array {
  const layout = parseJpeg(b);
  const orientation = keepOrientation ? jpegOrientation(b, layout.segments) : 1;
  const kept = layout.segments.filter((s) => !isJpegMetadata(s.marker));
  const parts: Uint8Array[] = [Uint8Array.from([0xff, 0xd8])];
  // JFIF wants APP0 right after SOI and EXIF readers look for APP1 near the start, so the orientation goes after the
  // leading APP0s. Inserting at a position computed from kept segments only keeps strip(strip(x)) == strip(x).
  let i = 0;
  for (; i < kept.length && kept[i]!.marker === 0xe0; i++) parts.push(b.subarray(kept[i]!.start, kept[i]!.end));
  if (orientation !== 1) parts.push(jpegExifSegment(orientation));
  for (; i < kept.length; i++) parts.push(b.subarray(kept[i]!.start, kept[i]!.end));
  let at = layout.scanStart;
  for (const s of layout.scanMetadata) {
    parts.push(b.subarray(at, s.start));
    at = s.end;
  }
  parts.push(b.subarray(at, layout.end));
  return concat(parts);
}

// ---------------------------------------------------------------------------------------------------------------------
// PNG

interface PngChunk {
  type: string;
  /** The length field. */
  start: number;
  /** Just past the CRC. */
  end: number;
}

const PNG_METADATA = new Set(['eXIf', 'tEXt', 'zTXt', 'iTXt', 'tIME']);

function pngError(why: string): ImageFormatError {
  return new ImageFormatError(`malformed PNG: ${why}`);
}

function parsePng(b: Uint8Array): { chunks: PngChunk[]; size: ImageSize } {
  if (!startsWith(b, 0, PNG_SIGNATURE)) throw pngError('no PNG signature');
  const chunks: PngChunk[] = [];
  let pos = PNG_SIGNATURE.length;
  let sawData = false;
  for (;;) {
    if (pos + 12 > b.length) throw pngError('ends before IEND (truncated?)');
    const length = be32(b, pos);
    if (length > 0x7fffffff) throw pngError(`chunk length out of range at byte ${pos}`);
    const type = ascii(b, pos + 4, 4);
    if (!/^[A-Za-z]{4}$/.test(type)) throw pngError(`invalid chunk type at byte ${pos}`);
    const end = pos + 12 + length;
    if (end > b.length) throw pngError(`chunk ${type} overruns the file`);
    if (chunks.length === 0 && (type !== 'IHDR' || length !== 13)) throw pngError('does not start with an IHDR chunk');
    if (type === 'IDAT') sawData = true;
    chunks.push({ type, start: pos, end });
    pos = end;
    if (type === 'IEND') break;
  }
  if (!sawData) throw pngError('no image data (IDAT)');
  const width = be32(b, PNG_SIGNATURE.length + 8);
  const height = be32(b, PNG_SIGNATURE.length + 12);
  if (width === 0 || height === 0) throw pngError('zero width or height');
  return { chunks, size: { width, height } };
}

function pngOrientation(b: Uint8Array, chunks: PngChunk[]): number {
  const exif = chunks.find((c) => c.type === 'eXIf');
  return exif ? tiffOrientationMaybePrefixed(b.subarray(exif.start + 8, exif.end - 4)) : 1;
}

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

function crc32(data: Uint8Array): number {
  let c = 0xffffffff;
  for (const byte of data) c = CRC_TABLE[(c ^ byte) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function pngChunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

function stripPng(b: Uint8Array, keepOrientation: boolean): Uint8Array {
  const { chunks } = parsePng(b);
  const orientation = keepOrientation ? pngOrientation(b, chunks) : 1;
  const parts: Uint8Array[] = [b.subarray(0, PNG_SIGNATURE.length)];
  for (const c of chunks) {
    if (PNG_METADATA.has(c.type)) continue;
    parts.push(b.subarray(c.start, c.end));
    // eXIf must precede IDAT for viewers to honour it; right after IHDR always does.
    if (c.type === 'IHDR' && orientation !== 1) parts.push(pngChunk('eXIf', orientationTiff(orientation)));
  }
  return concat(parts);
}

// ---------------------------------------------------------------------------------------------------------------------
// WebP (RIFF)

interface RiffChunk {
  fourcc: string;
  start: number;
  dataStart: number;
  size: number;
  /** Just past the padding byte, or past the data when a final odd-sized chunk omits its padding. */
  end: number;
}

// VP8X flags byte: Rsv(2) ICC(1) Alpha(1) EXIF(1) XMP(1) Animation(1) Rsv(1), most significant bit first.
const VP8X_EXIF = 0x08;
const VP8X_XMP = 0x04;

function webpError(why: string): ImageFormatError {
  return new ImageFormatError(`malformed WebP: ${why}`);
}

function parseWebp(b: Uint8Array): { chunks: RiffChunk[]; size: ImageSize } {
  if (b.length < 12 || ascii(b, 0, 4) !== 'RIFF' || ascii(b, 8, 4) !== 'WEBP') throw webpError('no RIFF/WEBP header');
  const riffEnd = 8 + le32(b, 4);
  if (riffEnd < 12 || riffEnd > b.length) throw webpError('RIFF size does not match the file (truncated?)');
  const chunks: RiffChunk[] = [];
  let pos = 12;
  while (pos < riffEnd) {
    if (pos + 8 > riffEnd) throw webpError(`chunk header overruns the RIFF size at byte ${pos}`);
    const fourcc = ascii(b, pos, 4);
    const size = le32(b, pos + 4);
    const dataStart = pos + 8;
    if (dataStart + size > riffEnd) throw webpError(`chunk ${JSON.stringify(fourcc)} overruns the RIFF size`);
    const padded = dataStart + size + (size & 1);
    chunks.push({ fourcc, start: pos, dataStart, size, end: Math.min(padded, riffEnd) });
    pos = padded;
  }
  const first = chunks[0];
  if (!first) throw webpError('no chunks');
  let size: ImageSize;
  if (first.fourcc === 'VP8X') {
    if (first.size < 10) throw webpError('VP8X chunk too short');
    const image = chunks.find((c) => c.fourcc === 'VP8 ' || c.fourcc === 'VP8L' || c.fourcc === 'ANMF');
    if (!image) throw webpError('no image data after VP8X');
    if (image.fourcc !== 'ANMF') bitstreamSize(b, image);
    size = { width: 1 + le24(b, first.dataStart + 4), height: 1 + le24(b, first.dataStart + 7) };
  } else {
    size = bitstreamSize(b, first);
  }
  return { chunks, size };
}

/** Checks the VP8/VP8L bitstream header and reads its size. */
function bitstreamSize(b: Uint8Array, c: RiffChunk): ImageSize {
  const d = c.dataStart;
  if (c.fourcc === 'VP8 ') {
    // Frame tag (key frame: bit 0 clear), then the start code 9D 01 2A, then 14-bit width and height.
    if (c.size < 10 || (b[d]! & 1) !== 0 || !startsWith(b, d + 3, [0x9d, 0x01, 0x2a])) {
      throw webpError('bad VP8 frame header');
    }
    const width = le16(b, d + 6) & 0x3fff;
    const height = le16(b, d + 8) & 0x3fff;
    if (width === 0 || height === 0) throw webpError('zero width or height');
    return { width, height };
  }
  if (c.fourcc === 'VP8L') {
    // Signature 0x2F, then width−1 (14 bits), height−1 (14 bits), alpha (1 bit), version (3 bits, must be 0).
    if (c.size < 5 || b[d] !== 0x2f || b[d + 4]! >> 5 !== 0) throw webpError('bad VP8L header');
    const bits = le32(b, d + 1);
    return { width: (bits & 0x3fff) + 1, height: ((bits >>> 14) & 0x3fff) + 1 };
  }
  throw webpError(`unexpected first chunk ${JSON.stringify(c.fourcc)}`);
}

function webpOrientation(b: Uint8Array, chunks: RiffChunk[]): number {
  const exif = chunks.find((c) => c.fourcc === 'EXIF');
  return exif ? tiffOrientationMaybePrefixed(b.subarray(exif.dataStart, exif.dataStart + exif.size)) : 1;
}

function stripWebp(b: Uint8Array, keepOrientation: boolean): Uint8Array {
  const { chunks } = parseWebp(b);
  const vp8x = chunks[0]?.fourcc === 'VP8X';
  // A simple (VP8/VP8L-only) file has no flag to announce EXIF, so viewers ignore any EXIF chunk in it: nothing to keep.
  const orientation = keepOrientation && vp8x ? webpOrientation(b, chunks) : 1;
  const parts: Uint8Array[] = [];
  for (const c of chunks) {
    if (c.fourcc === 'EXIF' || c.fourcc === 'XMP ') continue;
    const bytes = b.slice(c.start, c.end);
    if (c.fourcc === 'VP8X' && c === chunks[0]) {
      const flags = bytes[8]! & ~(VP8X_EXIF | VP8X_XMP);
      bytes[8] = orientation !== 1 ? flags | VP8X_EXIF : flags;
    }
    parts.push(bytes);
    if (c.end - c.dataStart < c.size + (c.size & 1)) parts.push(new Uint8Array(1)); // restore a missing pad byte
  }
  if (orientation !== 1) {
    const tiff = orientationTiff(orientation);
    const header = new Uint8Array(8);
    header.set([0x45, 0x58, 0x49, 0x46]); // "EXIF"
    new DataView(header.buffer).setUint32(4, tiff.length, true);
    parts.push(header, tiff); // 26 bytes: even, no padding
  }
  const body = concat(parts);
  const out = new Uint8Array(12 + body.length);
  out.set([0x52, 0x49, 0x46, 0x46]); // "RIFF"
  new DataView(out.buffer).setUint32(4, 4 + body.length, true);
  out.set([0x57, 0x45, 0x42, 0x50], 8); // "WEBP"
  out.set(body, 12);
  return out;
}
