import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import en from './en.json';
import zhHans from './zh-Hans.json';
import zhHant from './zh-Hant.json';

export const LANGUAGES = ['zh-Hant', 'zh-Hans', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];

const STORAGE_KEY = 'gridloop.language';

export function isLanguage(value: unknown): value is Language {
  return typeof value === 'string' && (LANGUAGES as readonly string[]).includes(value);
}

/** Maps a BCP 47 tag from the browser to one of the three UI languages. */
export function languageFromTag(tag: string): Language | null {
  const lower = tag.toLowerCase();
  if (!lower.startsWith('zh')) return null;
  if (lower.startsWith('zh-hant') || /^zh-(tw|hk|mo)(-|$)/.test(lower)) return 'zh-Hant';
  return 'zh-Hans';
}

export function detectLanguage(stored: string | null, browserTags: readonly string[]): Language {
  if (isLanguage(stored)) return stored;
  for (const tag of browserTags) {
    const lang = languageFromTag(tag);
    if (lang) return lang;
    // The first preference that is not Chinese wins: English is the fallback UI.
    if (tag) return 'en';
  }
  return 'en';
}

function readStoredLanguage(): string | null {
  try {
    return window.localStorage.getItem(STORAGE_KEY);
  } catch {
    return null;
  }
}

export function rememberLanguage(lang: Language): void {
  try {
    window.localStorage.setItem(STORAGE_KEY, lang);
  } catch {
    // Private mode or storage disabled: the choice lasts for this page only.
  }
}

export function currentLanguage(): Language {
  const lang = i18next.resolvedLanguage ?? i18next.language;
  return isLanguage(lang) ? lang : 'en';
}

export async function initI18n(): Promise<typeof i18next> {
  const browserTags = navigator.languages.length > 0 ? navigator.languages : [navigator.language];
  const lng = detectLanguage(readStoredLanguage(), browserTags);
  i18next.on('languageChanged', (lang) => {
    document.documentElement.lang = isLanguage(lang) ? lang : 'en';
  });
  await i18next.use(initReactI18next).init({
    resources: {
      'zh-Hant': { translation: zhHant },
      'zh-Hans': { translation: zhHans },
      en: { translation: en },
    },
    lng,
    fallbackLng: 'en',
    supportedLngs: [...LANGUAGES],
    // Keep the exact tags: i18next would otherwise reduce "zh-Hant" to "zh".
    load: 'currentOnly',
    interpolation: { escapeValue: false },
    returnNull: false,
  });
  document.documentElement.lang = lng;
  return i18next;
}

export async function changeLanguage(lang: Language): Promise<void> {
  rememberLanguage(lang);
  await i18next.changeLanguage(lang);
}
