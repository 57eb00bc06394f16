/**
 * GCJ-02 is WGS 84 plus a published, deliberately irregular offset (up to ~700 m) that Chinese map SDKs apply. The
 * forward direction is the formula; the inverse has no closed form, so it is solved by fixed-point iteration.
 */

/** Semi-major axis and first eccentricity squared of the Krasovsky 1940 ellipsoid, as the formula specifies. */
const A = 6378245.0;
// Published as 0.00669342162296594323; this is the same double, written so no digits are silently dropped.
const EE = 0.006693421622965943;

/** Stop iterating once a step is below ~1e-7 m; the offset's slope is small enough that this converges in a few. */
const TOLERANCE_DEG = 1e-12;
const MAX_ITERATIONS = 30;

/** The conventional bounding box: the offset is only ever applied inside it, and must not be "undone" outside it. */
export function outOfChina(lng: number, lat: number): boolean {
  return lng < 72.004 || lng > 137.8347 || lat < 0.8293 || lat > 55.8271;
}

function transformLat(x: number, y: number): number {
  let ret = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * Math.sqrt(Math.abs(x));
  ret += ((20.0 * Math.sin(6.0 * x * Math.PI) + 20.0 * Math.sin(2.0 * x * Math.PI)) * 2.0) / 3.0;
  ret += ((20.0 * Math.sin(y * Math.PI) + 40.0 * Math.sin((y / 3.0) * Math.PI)) * 2.0) / 3.0;
  ret += ((160.0 * Math.sin((y / 12.0) * Math.PI) + 320 * Math.sin((y * Math.PI) / 30.0)) * 2.0) / 3.0;
  return ret;
}

function transformLng(x: number, y: number): number {
  let ret = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * Math.sqrt(Math.abs(x));
  ret += ((20.0 * Math.sin(6.0 * x * Math.PI) + 20.0 * Math.sin(2.0 * x * Math.PI)) * 2.0) / 3.0;
  ret += ((20.0 * Math.sin(x * Math.PI) + 40.0 * Math.sin((x / 3.0) * Math.PI)) * 2.0) / 3.0;
  ret += ((150.0 * Math.sin((x / 12.0) * Math.PI) + 300.0 * Math.sin((x / 30.0) * Math.PI)) * 2.0) / 3.0;
  return ret;
}

/** The offset without the bounding-box test, so the inverse can iterate near the box's edge without a jump. */
function offset(lng: number, lat: number): [number, number] {
  const dLat = transformLat(lng - 105.0, lat - 35.0);
  const dLng = transformLng(lng - 105.0, lat - 35.0);
  const radLat = (lat / 180.0) * Math.PI;
  const sinLat = Math.sin(radLat);
  const magic = 1 - EE * sinLat * sinLat;
  const sqrtMagic = Math.sqrt(magic);
  return [
    (dLng * 180.0) / ((A / sqrtMagic) * Math.cos(radLat) * Math.PI),
    (dLat * 180.0) / (((A * (1 - EE)) / (magic * sqrtMagic)) * Math.PI),
  ];
}

export function wgs84ToGcj02(lng: number, lat: number): [number, number] {
  if (outOfChina(lng, lat)) return [lng, lat];
  const [dLng, dLat] = offset(lng, lat);
  return [lng + dLng, lat + dLat];
}

/**
 * Inverse of wgs84ToGcj02 to well under 0.01 m: iterate w ← g − offset(w), which converges because the offset
 * changes by far less than a metre per metre.
 */
export function gcj02ToWgs84(lng: number, lat: number): [number, number] {
  if (outOfChina(lng, lat)) return [lng, lat];
  let wLng = lng;
  let wLat = lat;
  for (let i = 0; i < MAX_ITERATIONS; i++) {
    const [dLng, dLat] = offset(wLng, wLat);
    const nextLng = lng - dLng;
    const nextLat = lat - dLat;
    const step = Math.max(Math.abs(nextLng - wLng), Math.abs(nextLat - wLat));
    wLng = nextLng;
    wLat = nextLat;
    if (step < TOLERANCE_DEG) break;
  }
  return [wLng, wLat];
}
