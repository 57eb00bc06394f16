/** A real 3×2 baseline JPEG (libjpeg-turbo's cjpeg), for tests that upload a photo. */
export const TINY_JPEG = new Uint8Array(
  Buffer.from(
    '/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDABALDA4MChAODQ4SERATGCgaGBYWGDEjJR0oOjM9PDkzODdASFxOQERXRTc4UG1RV19iZ2hnPk1xeXBkeFxlZ2P/2wBDARESEhgVGC8aGi9jQjhCY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2P/wAARCAACAAMDASIAAhEBAxEB/8QAFQABAQAAAAAAAAAAAAAAAAAAAAH/xAAcEAACAgIDAAAAAAAAAAAAAAABBAADAhEFITH/xAAVAQEBAAAAAAAAAAAAAAAAAAAAAf/EABYRAQEBAAAAAAAAAAAAAAAAAAABMf/aAAwDAQACEQMRAD8Aj6SmXIM7VpOrcx3WPASBERCTH//Z',
    'base64',
  ),
);

/** A JPEG with an EXIF block carrying a GPS tag: the public copy must not keep it. */
export function jpegWithExif(): Uint8Array {
  const exif = Buffer.concat([Buffer.from('Exif\0\0GPSLatitude-39.9N', 'latin1')]);
  const len = exif.length + 2;
  const app1 = Buffer.concat([Buffer.from([0xff, 0xe1, len >> 8, len & 0xff]), exif]);
  const j = Buffer.from(TINY_JPEG);
  // After SOI (FF D8) and the APP0 segment.
  const app0Len = (j[4]! << 8) | j[5]!;
  const at = 4 + app0Len;
  return new Uint8Array(Buffer.concat([j.subarray(0, at), app1, j.subarray(at)]));
}

/** A multipart/form-data body for app.inject: text fields and file parts. */
export function multipart(fields: Record<string, string>, files: Array<{ field: string; name: string; type: string; data: Uint8Array }>) {
  const boundary = `----gridloop${Math.random().toString(16).slice(2)}`;
  const parts: Buffer[] = [];
  for (const [k, v] of Object.entries(fields)) {
    parts.push(Buffer.from(`--${boundary}\r\ncontent-disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`, 'utf8'));
  }
  for (const f of files) {
    parts.push(
      Buffer.from(`--${boundary}\r\ncontent-disposition: form-data; name="${f.field}"; filename="${f.name}"\r\ncontent-type: ${f.type}\r\n\r\n`, 'utf8'),
      Buffer.from(f.data),
      Buffer.from('\r\n'),
    );
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { payload: Buffer.concat(parts), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}
