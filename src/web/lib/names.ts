import type { Language } from '../i18n/i18n.ts';
import type { Jurisdiction } from '../types.ts';

export function jurisdictionName(j: Pick<Jurisdiction, 'name' | 'names'>, lang: Language): string {
  return j.names?.[lang] || j.name;
}
