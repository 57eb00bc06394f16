import { describe, expect, it } from 'vitest';
import type { Jurisdiction, Level } from '../../types.ts';
import { ancestorIds, buildTreeModel, initialExpandedIds } from './tree-model.ts';

function node(id: string, parentId: string | null, level: Level, code: string, inScope = true): Jurisdiction {
  return { id, parentId, level, code, name: id, names: { 'zh-Hant': id, 'zh-Hans': id, en: id }, path: id, inScope };
}

const gridWorkerView = [
  node('g1', 'c1', 'grid', '110101001001001'),
  node('c1', 's1', 'community', '110101001001', false),
  node('s1', 'd1', 'street', '110101001', false),
  node('d1', 'x', 'district', '110101', false),
];

describe('buildTreeModel', () => {
  it('roots the forest at nodes whose parent the caller cannot see', () => {
    const model = buildTreeModel(gridWorkerView);
    expect(model.roots).toEqual(['d1']);
    expect(model.children.get('c1')).toEqual(['g1']);
  });

  it('orders siblings by code', () => {
    const model = buildTreeModel([node('p', null, 'street', '1'), node('b', 'p', 'community', '12'), node('a', 'p', 'community', '11')]);
    expect(model.children.get('p')).toEqual(['a', 'b']);
  });

  it('lists ancestors from the root down', () => {
    expect(ancestorIds(buildTreeModel(gridWorkerView), 'g1')).toEqual(['d1', 's1', 'c1']);
  });

  it('opens a small tree completely', () => {
    expect(initialExpandedIds(buildTreeModel(gridWorkerView)).sort()).toEqual(['c1', 'd1', 's1']);
  });

  it('opens only ancestors and scope tops of a large tree', () => {
    const model = buildTreeModel([
      node('d', null, 'district', '1', false),
      node('s', 'd', 'street', '11'),
      node('c', 's', 'community', '111'),
      node('g', 'c', 'grid', '1111'),
    ]);
    expect(initialExpandedIds(model, 2).sort()).toEqual(['d', 's']);
  });
});
