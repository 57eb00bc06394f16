import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import en from './en.json';
import { detectLanguage } from './i18n.ts';
import zhHans from './zh-Hans.json';
import zhHant from './zh-Hant.json';

type Tree = { [key: string]: string | Tree };

function flatten(tree: Tree, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, value] of Object.entries(tree)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (typeof value === 'string') out.set(path, value);
    else for (const [k, v] of flatten(value, path)) out.set(k, v);
  }
  return out;
}

const files: Record<string, Map<string, string>> = {
  'zh-Hant': flatten(zhHant),
  'zh-Hans': flatten(zhHans),
  en: flatten(en),
};

describe('web i18n resources', () => {
  it('have exactly the same key set in zh-Hant, zh-Hans and en', () => {
    const reference = [...(files.en?.keys() ?? [])].sort();
    expect(reference.length).toBeGreaterThan(0);
    for (const [lang, entries] of Object.entries(files)) {
      expect([...entries.keys()].sort(), lang).toEqual(reference);
    }
  });

  it('have no empty strings', () => {
    for (const [lang, entries] of Object.entries(files)) {
      const empty = [...entries].filter(([, v]) => v.trim() === '').map(([k]) => k);
      expect(empty, lang).toEqual([]);
    }
  });

  it('keeps the same interpolation variables in every language', () => {
    const vars = (s: string) => [...s.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]).sort();
    for (const [key, value] of files.en ?? []) {
      for (const lang of ['zh-Hant', 'zh-Hans']) {
        expect(vars(files[lang]?.get(key) ?? ''), `${lang} ${key}`).toEqual(vars(value));
      }
    }
  });
});

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(full);
    return /\.tsx?$/.test(e.name) && !e.name.includes('.test.') ? [full] : [];
  });
}

describe('keys used by the components', () => {
  it('all exist in en.json (plain or plural)', () => {
    const webRoot = path.resolve(import.meta.dirname, '..');
    const keys = new Set<string>();
    for (const file of sourceFiles(webRoot)) {
      for (const m of readFileSync(file, 'utf8').matchAll(/\bt\(\s*'([a-zA-Z0-9_.-]+)'/g)) if (m[1]) keys.add(m[1]);
    }
    const known = files.en ?? new Map<string, string>();
    const missing = [...keys].filter((k) => !known.has(k) && !known.has(`${k}_one`));
    expect(keys.size).toBeGreaterThan(100);
    expect(missing).toEqual([]);
  });
});

describe('detectLanguage', () => {
  it('maps Taiwan, Hong Kong and Hant tags to zh-Hant', () => {
    for (const tag of ['zh-TW', 'zh-HK', 'zh-Hant', 'zh-Hant-TW']) expect(detectLanguage(null, [tag])).toBe('zh-Hant');
  });
  it('maps other Chinese tags to zh-Hans', () => {
    for (const tag of ['zh', 'zh-CN', 'zh-Hans', 'zh-SG']) expect(detectLanguage(null, [tag])).toBe('zh-Hans');
  });
  it('falls back to English for other languages', () => {
    expect(detectLanguage(null, ['fr-FR', 'zh-CN'])).toBe('en');
    expect(detectLanguage(null, [])).toBe('en');
  });
  it('prefers a remembered choice', () => {
    expect(detectLanguage('zh-Hant', ['en-US'])).toBe('zh-Hant');
    expect(detectLanguage('klingon', ['zh-CN'])).toBe('zh-Hans');
  });
});
