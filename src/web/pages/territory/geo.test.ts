import { describe, expect, it } from 'vitest';
import type { TerritoryCollection } from '../../types.ts';
import { collectionBbox, deepest } from './geo.ts';

const square = (x: number, y: number, size: number) => [
  [
    [x, y],
    [x + size, y],
    [x + size, y + size],
    [x, y + size],
    [x, y],
  ],
];

describe('collectionBbox', () => {
  it('bounds every polygon of every feature', () => {
    const fc: TerritoryCollection = {
      type: 'FeatureCollection',
      features: [
        {
          type: 'Feature',
          geometry: { type: 'MultiPolygon', coordinates: [square(116.4, 39.9, 0.01), square(116.5, 39.8, 0.02)] },
          properties: { id: 'a', code: '1', level: 'grid', name: 'a' },
        },
        {
          type: 'Feature',
          geometry: { type: 'Polygon', coordinates: square(116.3, 39.95, 0.01) },
          properties: { id: 'b', code: '2', level: 'grid', name: 'b' },
        },
      ],
    };
    const b = collectionBbox(fc);
    expect(b?.map((v) => Math.round(v * 1000) / 1000)).toEqual([116.3, 39.8, 116.52, 39.96]);
  });

  it('is null for an empty collection', () => {
    expect(collectionBbox({ type: 'FeatureCollection', features: [] })).toBeNull();
  });
});

describe('deepest', () => {
  it('prefers the grid over its community and street', () => {
    expect(deepest([{ level: 'street' }, { level: 'grid' }, { level: 'community' }])?.level).toBe('grid');
  });
});
