import type { Jurisdiction } from '../../types.ts';

/** The jurisdiction tree as the caller sees it: scope subtrees plus their ancestors. */
export interface TreeModel {
  byId: ReadonlyMap<string, Jurisdiction>;
  children: ReadonlyMap<string, readonly string[]>;
  roots: readonly string[];
}

const byCode = (a: Jurisdiction, b: Jurisdiction) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0);

export function buildTreeModel(items: readonly Jurisdiction[]): TreeModel {
  const byId = new Map(items.map((j) => [j.id, j]));
  const children = new Map<string, Jurisdiction[]>();
  const roots: Jurisdiction[] = [];
  for (const j of items) {
    // A node whose parent is not visible to the caller is a root of the caller's forest.
    if (j.parentId && byId.has(j.parentId)) {
      const list = children.get(j.parentId);
      if (list) list.push(j);
      else children.set(j.parentId, [j]);
    } else {
      roots.push(j);
    }
  }
  const sortedChildren = new Map<string, string[]>();
  for (const [id, list] of children) sortedChildren.set(id, list.sort(byCode).map((j) => j.id));
  return { byId, children: sortedChildren, roots: roots.sort(byCode).map((j) => j.id) };
}

/** Ids from the root down to the node's parent (the node itself excluded). */
export function ancestorIds(model: TreeModel, id: string): string[] {
  const out: string[] = [];
  const seen = new Set<string>([id]);
  let current = model.byId.get(id)?.parentId ?? null;
  while (current && model.byId.has(current) && !seen.has(current)) {
    seen.add(current);
    out.unshift(current);
    current = model.byId.get(current)?.parentId ?? null;
  }
  return out;
}

/** Small trees open fully; large ones open the out-of-scope ancestors and the tops of the scope. */
export function initialExpandedIds(model: TreeModel, expandAllBelow = 60): string[] {
  if (model.byId.size <= expandAllBelow) return [...model.children.keys()];
  const out: string[] = [];
  for (const [id, j] of model.byId) {
    if (!model.children.has(id)) continue;
    const parent = j.parentId ? model.byId.get(j.parentId) : undefined;
    if (!j.inScope || !parent?.inScope) out.push(id);
  }
  return out;
}
