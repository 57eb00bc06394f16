import { useTranslation } from 'react-i18next';
import { isLanguage, type Language } from '../i18n/i18n.ts';
import type { Names } from '../types.ts';

export function useLanguage(): Language {
  const { i18n } = useTranslation();
  return isLanguage(i18n.language) ? i18n.language : 'en';
}

/** A server-sent name in the UI language: `names` when present (it follows a language switch), else `name`. */
export function localName(item: { name: string; names?: Names | null }, lang: Language): string {
  return item.names?.[lang] || item.name;
}
