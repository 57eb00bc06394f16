import type { Language } from '../i18n/i18n.ts';

const M2_PER_KM2 = 1_000_000;

/** Areas below 1 km² read better in m² (a grid is about 10,000 m²); above, in km². */
export function formatArea(areaM2: number, lang: Language): { unit: 'm2' | 'km2'; value: string } {
  if (areaM2 < M2_PER_KM2) {
    return { unit: 'm2', value: new Intl.NumberFormat(lang, { maximumFractionDigits: 0 }).format(areaM2) };
  }
  return {
    unit: 'km2',
    value: new Intl.NumberFormat(lang, { maximumFractionDigits: 2 }).format(areaM2 / M2_PER_KM2),
  };
}

export function formatDate(iso: string, lang: Language, timeZone?: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return new Intl.DateTimeFormat(lang, { dateStyle: 'medium', timeZone }).format(date);
}
