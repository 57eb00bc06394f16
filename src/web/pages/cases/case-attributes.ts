import type { CategoryAttribute } from '../../case-types.ts';
import type { Language } from '../../i18n/i18n.ts';

export interface AttributeRow {
  code: string;
  /** The question as the category asks it, or the bare code for an answer the category no longer asks. */
  label: string;
  value: string;
}

function listOf(values: readonly string[], lang: Language): string {
  return new Intl.ListFormat(lang, { style: 'narrow', type: 'conjunction' }).format(values);
}

function valueText(value: unknown, attribute: CategoryAttribute | undefined, lang: Language): string {
  const keyName = (key: unknown) => {
    const v = attribute?.values?.find((x) => x.key === String(key));
    return v ? v.names[lang] || v.key : String(key);
  };
  if (Array.isArray(value)) return listOf(value.map(keyName), lang);
  if (attribute?.datatype === 'singlevaluelist') return keyName(value);
  // datetime-local answers carry no zone: the city's wall time, shown as written.
  if (attribute?.datatype === 'datetime' && typeof value === 'string') return value.replace('T', ' ');
  if (typeof value === 'number') return new Intl.NumberFormat(lang).format(value);
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

/** The reporter's answers, in the order the category asks its questions, then any answers it no longer asks. */
export function attributeRows(
  answers: Record<string, unknown> | null | undefined,
  attributes: readonly CategoryAttribute[] | undefined,
  lang: Language,
): AttributeRow[] {
  if (!answers) return [];
  const asked = attributes ?? [];
  const present = (v: unknown) => v !== null && v !== undefined && v !== '' && !(Array.isArray(v) && v.length === 0);
  const rows: AttributeRow[] = [];
  for (const a of asked) {
    const v = answers[a.code];
    if (present(v)) rows.push({ code: a.code, label: a.description[lang] || a.code, value: valueText(v, a, lang) });
  }
  for (const [code, v] of Object.entries(answers)) {
    if (!asked.some((a) => a.code === code) && present(v)) rows.push({ code, label: code, value: valueText(v, undefined, lang) });
  }
  return rows;
}
