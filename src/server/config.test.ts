import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.ts';
import { negotiateLocale } from './i18n.ts';

const dir = () => mkdtempSync(join(tmpdir(), 'gridloop-config-'));

describe('configuration', () => {
  it('uses the documented defaults and generates secrets into the embedded data directory', () => {
    const d = dir();
    const c = loadConfig({ GRIDLOOP_DATA_DIR: d });
    expect(c).toMatchObject({ port: 3000, host: '127.0.0.1', databaseUrl: null, timezone: 'Asia/Shanghai', demo: true, serviceBufferM: 500 });
    expect(readFileSync(join(d, 'session.secret'), 'utf8').trim()).toBe(c.sessionSecret);
    expect(loadConfig({ GRIDLOOP_DATA_DIR: d }).sessionSecret).toBe(c.sessionSecret);
  });

  it('names the bad variable', () => {
    const d = dir();
    expect(() => loadConfig({ GRIDLOOP_DATA_DIR: d, PORT: 'eighty' })).toThrow(/PORT/);
    expect(() => loadConfig({ GRIDLOOP_DATA_DIR: d, GRIDLOOP_TIMEZONE: 'Mars/Base' })).toThrow(/GRIDLOOP_TIMEZONE/);
    expect(() => loadConfig({ GRIDLOOP_DATA_DIR: d, DATABASE_URL: 'mysql://x' })).toThrow(/DATABASE_URL/);
    expect(() => loadConfig({ GRIDLOOP_DATA_DIR: d, GRIDLOOP_DEMO: 'maybe' })).toThrow(ConfigError);
  });

  it('requires the secrets in production, and keeps the demo off by default with PostgreSQL', () => {
    const d = dir();
    expect(() => loadConfig({ GRIDLOOP_DATA_DIR: d, DATABASE_URL: 'postgres://x@127.0.0.1/db', NODE_ENV: 'production' })).toThrow(
      /GRIDLOOP_DATA_KEY|GRIDLOOP_SESSION_SECRET/,
    );
    expect(loadConfig({ GRIDLOOP_DATA_DIR: dir(), DATABASE_URL: 'postgres://x@127.0.0.1/db' }).demo).toBe(false);
    const c = loadConfig({
      GRIDLOOP_DATA_DIR: d,
      DATABASE_URL: 'postgres://x@127.0.0.1/db',
      GRIDLOOP_DATA_KEY: 'k'.repeat(40),
      GRIDLOOP_SESSION_SECRET: 's'.repeat(40),
    });
    expect(c.demo).toBe(false);
  });
});

describe('language negotiation', () => {
  it('maps Chinese variants to Traditional or Simplified and everything else to English', () => {
    expect(negotiateLocale('zh-TW,zh;q=0.9')).toBe('zh-Hant');
    expect(negotiateLocale('zh-HK')).toBe('zh-Hant');
    expect(negotiateLocale('zh-Hant-TW')).toBe('zh-Hant');
    expect(negotiateLocale('zh-CN,en;q=0.5')).toBe('zh-Hans');
    expect(negotiateLocale('fr-FR,en;q=0.5')).toBe('en');
    expect(negotiateLocale(undefined)).toBe('en');
  });
});
