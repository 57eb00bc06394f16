// The responsibility chain as the edit form holds it: one row per stored entry, the grid workers left out.
import type { Language } from '../../i18n/i18n.ts';
import type { Responsibility, ResponsibilityEntry, ResponsibilityLink } from './command-types.ts';

/** Where an entry sits: `node:<id>` or `department:<id>` (one select lists both). */
export type AnchorKey = string;

export interface EntryDraft {
  anchor: AnchorKey;
  role: string;
  name: string;
  phone: string;
  userId?: string;
}

export function anchorOf(link: ResponsibilityLink): AnchorKey | null {
  if (link.node) return `node:${link.node.id}`;
  if (link.department) return `department:${link.department.id}`;
  return null;
}

/** A phone as the server shows it to those who may not read it: never sent back as if it were a number. */
export function isMaskedPhone(phone: string | undefined): boolean {
  return phone?.includes('*') === true;
}

/**
 * Grid workers come from the grid's assignments, not from the entries (0005_responsibility.sql): they are listed in
 * the chain but are not the admin's to edit here.
 */
export function isAssignedGridWorker(link: ResponsibilityLink, person: ResponsibilityLink['people'][number]): boolean {
  return link.level === 'grid' && person.role === 'grid_worker' && person.userId !== undefined;
}

/**
 * The anchors the caller may edit, as the server says per link (`editable`): a PUT replaces the entries of exactly
 * those links, so the form must send them all and nothing else.
 */
export function editableAnchors(chain: Responsibility): Set<AnchorKey> {
  const out = new Set<AnchorKey>();
  for (const link of chain.chain) {
    const anchor = anchorOf(link);
    if (anchor && link.editable) out.add(anchor);
  }
  return out;
}

export function draftsOf(chain: Responsibility, editable: ReadonlySet<AnchorKey>): EntryDraft[] {
  const out: EntryDraft[] = [];
  for (const link of chain.chain) {
    const anchor = anchorOf(link);
    if (!anchor || !editable.has(anchor)) continue;
    for (const p of link.people) {
      if (isAssignedGridWorker(link, p)) continue;
      out.push({ anchor, role: p.role, name: p.name, phone: isMaskedPhone(p.phone) ? '' : (p.phone ?? ''), userId: p.userId });
    }
  }
  return out;
}

/** The PUT body's entries: blanks trimmed away, the anchor split into jurisdictionId or departmentId. */
export function entriesOf(drafts: readonly EntryDraft[]): ResponsibilityEntry[] {
  return drafts.map((d) => {
    const [kind, id = ''] = d.anchor.split(':');
    const entry: ResponsibilityEntry = kind === 'department' ? { departmentId: id, role: d.role.trim() } : { jurisdictionId: id, role: d.role.trim() };
    if (d.name.trim()) entry.name = d.name.trim();
    if (d.phone.trim()) entry.phone = d.phone.trim();
    if (d.userId) entry.userId = d.userId;
    return entry;
  });
}

export function anchorLabel(link: ResponsibilityLink, lang: Language, levelName: (level: string) => string): string {
  if (link.node) return `${levelName(link.level)} · ${link.node.name[lang] || link.node.name['zh-Hans']}`;
  if (link.department) return `${levelName('department')} · ${link.department.name[lang] || link.department.name['zh-Hans']}`;
  return levelName(link.level);
}

/** `entries.3.phone` → [3, 'phone']: where the server says an entry was wrong. */
export function entryField(field: string | undefined): [number, string] | null {
  const m = field ? /^entries\.(\d+)\.(\w+)$/.exec(field) : null;
  return m ? [Number(m[1]), m[2] as string] : null;
}
