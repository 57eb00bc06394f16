import { describe, expect, it } from 'vitest';
import type { CategoryGroup } from './category-tree.ts';
import { filterGroups } from './category-tree.ts';
import { spanOf, todayIn, wallTimeToIso, zoneOffsetMinutes } from './format.ts';
import { fingerprintOf, IdempotencyKeys } from './idempotency.ts';
import { checkPhotos, MAX_PHOTO_BYTES } from './photos.ts';
import { reportFields } from './report-submit.ts';

const names = (en: string, hant: string, hans: string) => ({ en, 'zh-Hant': hant, 'zh-Hans': hans });
const sub = (code: string, en: string, hant: string, hans: string) =>
  ({ code, name: en, names: names(en, hant, hans) }) as CategoryGroup['items'][number];

const GROUPS: CategoryGroup[] = [
  { code: 'E01', name: 'Cityscape and sanitation', family: 'Events', items: [sub('E0102', 'Exposed garbage', '暴露垃圾', '暴露垃圾'), sub('E0104', 'Road not clean', '道路不潔', '道路不洁')] },
  { code: 'C01', name: 'Public utilities', family: 'Components', items: [sub('C0118', 'Street light', '路燈', '路灯')] },
];

describe('filterGroups', () => {
  it('keeps every group when the query is empty', () => {
    expect(filterGroups(GROUPS, '  ')).toHaveLength(2);
  });
  it('finds a sub-category by words of its name, in any language, and by code', () => {
    expect(filterGroups(GROUPS, 'garbage')[0]?.items.map((c) => c.code)).toEqual(['E0102']);
    expect(filterGroups(GROUPS, '路灯')[0]?.items.map((c) => c.code)).toEqual(['C0118']);
    expect(filterGroups(GROUPS, 'e0104')[0]?.items.map((c) => c.code)).toEqual(['E0104']);
  });
  it('keeps all children of a matching major class', () => {
    expect(filterGroups(GROUPS, 'sanitation')[0]?.items).toHaveLength(2);
  });
  it('needs every word to match', () => {
    expect(filterGroups(GROUPS, 'road garbage')).toEqual([]);
  });
});

describe('checkPhotos', () => {
  const file = (name: string, type: string, size = 1000) => ({ name, type, size });
  it('refuses what the server would refuse, before uploading', () => {
    const r = checkPhotos([file('a.jpg', 'image/jpeg'), file('b.pdf', 'application/pdf'), file('c.png', 'image/png', MAX_PHOTO_BYTES + 1)], 0);
    expect(r.accepted.map((f) => f.name)).toEqual(['a.jpg']);
    expect(r.refused.map((x) => [x.file.name, x.problem])).toEqual([
      ['b.pdf', 'type'],
      ['c.png', 'size'],
    ]);
  });
  it('takes the extension when a camera gives no type, and stops at six', () => {
    const r = checkPhotos([file('shot.JPG', ''), file('x.webp', 'image/webp')], 5);
    expect(r.accepted.map((f) => f.name)).toEqual(['shot.JPG']);
    expect(r.refused[0]?.problem).toBe('count');
  });
});

describe('time', () => {
  it('reads a typed wall time in the server zone', () => {
    expect(wallTimeToIso('2026-11-27T17:30', 'Asia/Shanghai')).toBe('2026-11-27T09:30:00.000Z');
    // Across a daylight-saving change: New York is UTC-4 in July, UTC-5 in January.
    expect(wallTimeToIso('2026-07-01T09:00', 'America/New_York')).toBe('2026-07-01T13:00:00.000Z');
    expect(wallTimeToIso('2026-01-01T09:00', 'America/New_York')).toBe('2026-01-01T14:00:00.000Z');
    expect(wallTimeToIso('tomorrow', 'Asia/Shanghai')).toBeNull();
  });
  it('knows a zone offset and the local date', () => {
    expect(zoneOffsetMinutes(new Date('2026-06-01T00:00:00Z'), 'Asia/Shanghai')).toBe(480);
    expect(todayIn('Asia/Shanghai', new Date('2026-11-26T17:00:00Z'))).toBe('2026-11-27');
  });
  it('says a span in its largest sensible unit, working days of 450 minutes', () => {
    expect(spanOf(45)).toEqual({ unit: 'minute', value: 45 });
    expect(spanOf(90)).toEqual({ unit: 'hour', value: 1.5 });
    expect(spanOf(2880)).toEqual({ unit: 'day', value: 2 });
    expect(spanOf(6750, 450)).toEqual({ unit: 'day', value: 15 });
  });
});

describe('report submission', () => {
  const base = { categoryCode: 'E0102', location: { lat: 39.93, lng: 116.38 }, description: '  garbage  ' };
  it('sends no empty field and no contact when anonymous', () => {
    expect(reportFields({ ...base, anonymous: true, reporterPhone: '138', address: ' ' })).toEqual({
      categoryCode: 'E0102',
      lat: '39.93',
      lng: '116.38',
      coordSys: 'wgs84',
      description: 'garbage',
      anonymous: 'true',
    });
  });
  it('sends the contact, the channel and the answered attributes as JSON', () => {
    const f = reportFields({ ...base, reporterPhone: ' 13800138000 ', channel: 'hotline', attributes: { fault: 'out', pole: '', kinds: [] } });
    expect(f.reporterPhone).toBe('13800138000');
    expect(f.channel).toBe('hotline');
    expect(JSON.parse(f.attributes ?? '{}')).toEqual({ fault: 'out' });
  });
  it('reuses the idempotency key for the same content until a success', () => {
    const keys = new IdempotencyKeys();
    const a = fingerprintOf({ d: 1 }, []);
    const k1 = keys.keyFor(a);
    expect(keys.keyFor(a)).toBe(k1);
    expect(keys.keyFor(fingerprintOf({ d: 2 }, []))).not.toBe(k1);
    keys.reset();
    expect(keys.keyFor(a)).not.toBe(k1);
  });
});
