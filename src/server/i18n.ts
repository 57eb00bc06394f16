export type Locale = 'zh-Hant' | 'zh-Hans' | 'en';
export const LOCALES: readonly Locale[] = ['zh-Hant', 'zh-Hans', 'en'];

/** Picks the caller's language from Accept-Language: Traditional for TW/HK/MO/Hant, Simplified for other zh. */
export function negotiateLocale(header: string | undefined): Locale {
  if (!header) return 'en';
  const tags = header
    .split(',')
    .map((part) => {
      const [tag = '', ...params] = part.trim().split(';');
      const q = params.find((p) => p.trim().startsWith('q='));
      return { tag: tag.toLowerCase(), q: q ? Number(q.trim().slice(2)) || 0 : 1 };
    })
    .filter((t) => t.tag && t.q > 0)
    .sort((a, b) => b.q - a.q);
  for (const { tag } of tags) {
    if (tag.startsWith('zh')) {
      return /hant|-tw|-hk|-mo/.test(tag) ? 'zh-Hant' : 'zh-Hans';
    }
    if (tag.startsWith('en')) return 'en';
  }
  return 'en';
}

export interface Names {
  'zh-Hant': string;
  'zh-Hans': string;
  en: string;
}

export function pickName(names: Names, locale: Locale): string {
  return names[locale];
}
