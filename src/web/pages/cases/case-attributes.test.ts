import { describe, expect, it } from 'vitest';
import type { CategoryAttribute } from '../../case-types.ts';
import { attributeRows } from './case-attributes.ts';

const names = (en: string, zh: string) => ({ en, 'zh-Hant': zh, 'zh-Hans': zh });

const attributes: CategoryAttribute[] = [
  { code: 'size', datatype: 'number', required: false, description: names('Size (m²)', '面積') },
  {
    code: 'kind',
    datatype: 'singlevaluelist',
    required: true,
    description: names('Kind', '類型'),
    values: [
      { key: 'pothole', names: names('Pothole', '坑洞') },
      { key: 'crack', names: names('Crack', '裂縫') },
    ],
  },
  {
    code: 'hazards',
    datatype: 'multivaluelist',
    required: false,
    description: names('Hazards', '危險'),
    values: [
      { key: 'water', names: names('Water', '積水') },
      { key: 'traffic', names: names('Traffic', '交通') },
    ],
  },
  { code: 'seen', datatype: 'datetime', required: false, description: names('Seen at', '發現時間') },
];

describe('attributeRows', () => {
  it('labels answers with the category question and names the chosen values', () => {
    const rows = attributeRows({ kind: 'crack', size: 1200, hazards: ['water', 'traffic'], seen: '2025-03-01T08:30' }, attributes, 'en');
    expect(rows).toEqual([
      { code: 'size', label: 'Size (m²)', value: '1,200' },
      { code: 'kind', label: 'Kind', value: 'Crack' },
      { code: 'hazards', label: 'Hazards', value: 'Water, Traffic' },
      { code: 'seen', label: 'Seen at', value: '2025-03-01 08:30' },
    ]);
  });

  it('follows the language, skips empty answers and keeps answers the category no longer asks', () => {
    const rows = attributeRows({ kind: 'pothole', hazards: [], size: '', old: 'x' }, attributes, 'zh-Hant');
    expect(rows).toEqual([
      { code: 'kind', label: '類型', value: '坑洞' },
      { code: 'old', label: 'old', value: 'x' },
    ]);
  });

  it('has nothing to show without answers', () => {
    expect(attributeRows(null, attributes, 'en')).toEqual([]);
    expect(attributeRows({}, undefined, 'en')).toEqual([]);
  });
});
