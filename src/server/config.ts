import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** Typed configuration, read once from the environment and validated at boot. */
export interface Config {
  port: number;
  host: string;
  databaseUrl: string | null;
  dataDir: string;
  timezone: string;
  sessionSecret: string;
  dataKey: Buffer;
  demo: boolean;
  demoPassword: string;
  basemapStyleUrl: string | null;
  serviceBufferM: number;
  /** Login attempts per minute per address and username before 429. */
  loginRatePerMinute: number;
  /** Reports per minute per client (address, or API token) before 429. */
  reportRatePerMinute: number;
  logLevel: string;
  production: boolean;
}

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    problem: string,
  ) {
    super(`Configuration error: ${variable} ${problem}`);
    this.name = 'ConfigError';
  }
}

export const DEFAULT_DEMO_PASSWORD = 'gridloop-demo';

type Env = Record<string, string | undefined>;

function intVar(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw)) throw new ConfigError(name, `must be a whole number, got "${raw}"`);
  const n = Number(raw);
  if (n < min || n > max) throw new ConfigError(name, `must be between ${min} and ${max}, got ${n}`);
  return n;
}

function boolVar(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (/^(1|true|yes|on)$/i.test(raw)) return true;
  if (/^(0|false|no|off)$/i.test(raw)) return false;
  throw new ConfigError(name, `must be 1 or 0 (true or false), got "${raw}"`);
}

function validTimezone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/**
 * A secret generated into the data directory on first start when not given. In production (NODE_ENV=production) it
 * must be given: several processes, and a restore on another machine, must agree on it.
 */
function secretVar(env: Env, name: string, dataDir: string, required: boolean, fileName: string): string {
  const raw = env[name];
  if (raw) {
    if (raw.length < 32) throw new ConfigError(name, 'must be at least 32 characters');
    return raw;
  }
  const file = join(dataDir, fileName);
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  if (required) {
    throw new ConfigError(name, 'is required in production (generate one with: openssl rand -base64 48)');
  }
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(48).toString('base64url');
  writeFileSync(file, `${secret}\n`, { mode: 0o600 });
  process.stderr.write(`gridloop: ${name} was not set; generated one into ${file} (set it explicitly in production)\n`);
  return secret;
}

export function loadConfig(env: Env = process.env): Config {
  const databaseUrl = env.DATABASE_URL?.trim() || null;
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new ConfigError('DATABASE_URL', 'must start with postgres:// or postgresql://');
  }
  const embedded = databaseUrl === null;
  const dataDir = resolve(env.GRIDLOOP_DATA_DIR || './data');
  const timezone = env.GRIDLOOP_TIMEZONE || 'Asia/Shanghai';
  if (!validTimezone(timezone)) throw new ConfigError('GRIDLOOP_TIMEZONE', `is not an IANA time zone: "${timezone}"`);
  const basemap = env.GRIDLOOP_BASEMAP_STYLE_URL?.trim() || null;
  if (basemap && !/^https?:\/\//.test(basemap)) {
    throw new ConfigError('GRIDLOOP_BASEMAP_STYLE_URL', 'must be an http(s) URL');
  }
  const production = env.NODE_ENV === 'production';
  const dataKeyText = secretVar(env, 'GRIDLOOP_DATA_KEY', dataDir, production, 'data.key');
  return {
    port: intVar(env, 'PORT', 3000, 0, 65535),
    host: env.HOST || '127.0.0.1',
    databaseUrl,
    dataDir,
    timezone,
    sessionSecret: secretVar(env, 'GRIDLOOP_SESSION_SECRET', dataDir, production, 'session.secret'),
    // A 256-bit key for encryption at rest and the audit HMAC, derived so that any text of 32+ characters serves.
    dataKey: Buffer.from(dataKeyText, 'utf8'),
    demo: boolVar(env, 'GRIDLOOP_DEMO', embedded),
    demoPassword: env.GRIDLOOP_DEMO_PASSWORD || DEFAULT_DEMO_PASSWORD,
    basemapStyleUrl: basemap,
    serviceBufferM: intVar(env, 'GRIDLOOP_SERVICE_BUFFER_M', 500, 0, 100_000),
    loginRatePerMinute: intVar(env, 'GRIDLOOP_LOGIN_RATE_PER_MIN', 20, 1, 1_000_000),
    reportRatePerMinute: intVar(env, 'GRIDLOOP_REPORT_RATE_PER_MIN', 60, 1, 1_000_000),
    logLevel: env.LOG_LEVEL || 'info',
    production,
  };
}
