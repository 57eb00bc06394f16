import type { CategoryFamily, SubCategory } from '../case-types.ts';
import type { Language } from '../i18n/i18n.ts';

export interface CategoryGroup {
  code: string;
  name: string;
  family: string;
  items: SubCategory[];
}

/** Major classes with their sub-categories, each named in the UI language. */
export function categoryGroups(families: readonly CategoryFamily[], lang: Language): CategoryGroup[] {
  return families.flatMap((f) =>
    f.children.map((m) => ({
      code: m.code,
      name: m.names?.[lang] || m.name,
      family: f.names?.[lang] || f.name,
      items: m.children,
    })),
  );
}

export function subCategoryName(c: Pick<SubCategory, 'name' | 'names'>, lang: Language): string {
  return c.names?.[lang] || c.name;
}

function normalise(s: string): string {
  return s.toLowerCase().normalize('NFKC').replace(/\s+/g, ' ').trim();
}

/**
 * Groups whose sub-categories match every word of the query in any language or by code; a matching major class keeps
 * all its children. Searching in another script still finds a name (a visitor may type 垃圾 with the English UI on).
 */
export function filterGroups(groups: readonly CategoryGroup[], query: string): CategoryGroup[] {
  const words = normalise(query).split(' ').filter(Boolean);
  if (words.length === 0) return [...groups];
  const hit = (texts: string[]) => {
    const hay = normalise(texts.join(' '));
    return words.every((w) => hay.includes(w));
  };
  return groups.flatMap((g) => {
    if (hit([g.name, g.code])) return [g];
    const items = g.items.filter((c) => hit([c.code, c.name, ...Object.values(c.names ?? {})]));
    return items.length > 0 ? [{ ...g, items }] : [];
  });
}

export function findSubCategory(families: readonly CategoryFamily[], code: string | undefined): SubCategory | undefined {
  if (!code) return undefined;
  for (const f of families) for (const m of f.children) for (const c of m.children) if (c.code === code) return c;
  return undefined;
}
