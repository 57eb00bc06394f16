import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import AxeBuilder from '@axe-core/playwright';
import { type Browser, type BrowserContextOptions, chromium, type Page } from 'playwright-core';

export const REPO_ROOT = path.resolve(import.meta.dirname, '..');

// ---------- checks ----------

export class Checks {
  passed = 0;
  failed = 0;
  private readonly failures: string[] = [];

  async check(name: string, fn: () => Promise<void> | void): Promise<boolean> {
    try {
      await fn();
      this.passed++;
      console.log(`  ok    ${name}`);
      return true;
    } catch (error) {
      this.failed++;
      const message = error instanceof Error ? error.message : String(error);
      this.failures.push(`${name}: ${message}`);
      console.log(`  FAIL  ${name}\n        ${message.split('\n').join('\n        ')}`);
      return false;
    }
  }

  summary(): string {
    return `e2e: ${this.passed} passed, ${this.failed} failed`;
  }

  failureList(): readonly string[] {
    return this.failures;
  }
}

export function assert(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(message);
}

export function equal<T>(actual: T, expected: T, what: string): void {
  if (actual !== expected) throw new Error(`${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
}

// ---------- server ----------

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

export interface RunningServer {
  baseUrl: string;
  logFile: string;
  stop: () => Promise<void>;
}

export interface ServerOptions {
  /** Script started as `node <entry> start`; bin/gridloop.js unless E2E_SERVER_ENTRY says otherwise. */
  entry: string;
  password: string;
  readyTimeoutMs: number;
}

export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const port = await freePort();
  const dataDir = mkdtempSync(path.join(tmpdir(), 'gridloop-e2e-'));
  const logFile = path.join(dataDir, 'server.log');
  const log = createWriteStream(logFile);
  const child: ChildProcess = spawn(process.execPath, [options.entry, 'start'], {
    cwd: REPO_ROOT,
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      GRIDLOOP_DATA_DIR: dataDir,
      GRIDLOOP_DEMO_PASSWORD: options.password,
      NODE_ENV: 'production',
      // Production mode wants its secrets given, not generated: fresh ones for each run.
      GRIDLOOP_SESSION_SECRET: randomBytes(48).toString('base64'),
      GRIDLOOP_DATA_KEY: randomBytes(48).toString('base64'),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group, so that stop() can end it together with anything it spawned.
    detached: true,
  });
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  let exited: number | null | undefined;
  const exitPromise = new Promise<void>((resolve) => {
    child.once('exit', (code) => {
      exited = code;
      resolve();
    });
  });

  const stop = async () => {
    if (exited === undefined && child.pid) {
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {
        // already gone
      }
      const timedOut = await Promise.race([exitPromise.then(() => false), sleep(15_000).then(() => true)]);
      if (timedOut && child.pid) {
        try {
          process.kill(-child.pid, 'SIGKILL');
        } catch {
          // already gone
        }
        await exitPromise;
      }
    }
    log.end();
    if (!process.env.E2E_KEEP_DATA) rmSync(dataDir, { recursive: true, force: true });
  };

  const baseUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + options.readyTimeoutMs;
  let lastStatus = 'no answer';
  let lastReport = Date.now();
  while (Date.now() < deadline) {
    if (exited !== undefined) {
      const tail = readTail(logFile);
      await stop();
      throw new Error(`server exited with code ${exited} before it was ready\n${tail}`);
    }
    try {
      const res = await fetch(`${baseUrl}/api/health`, { signal: AbortSignal.timeout(5000) });
      lastStatus = `HTTP ${res.status} ${(await res.text()).slice(0, 200)}`;
      if (res.status === 200) return { baseUrl, logFile, stop };
    } catch (error) {
      lastStatus = error instanceof Error ? error.message : String(error);
    }
    if (Date.now() - lastReport > 15_000) {
      console.log(`  …waiting for the server (${lastStatus})`);
      lastReport = Date.now();
    }
    await sleep(500);
  }
  const tail = readTail(logFile);
  await stop();
  throw new Error(`server not ready after ${options.readyTimeoutMs / 1000}s (last: ${lastStatus})\n${tail}`);
}

export function readTail(file: string, lines = 40): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no server log)';
  }
}

// ---------- browser ----------

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.E2E_CHROMIUM ?? '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-quic',
      '--no-first-run',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** Collects console errors, page errors and requests that leave the origin. */
export class PageWatch {
  readonly errors: string[] = [];
  readonly external: string[] = [];
  private allowed: RegExp[] = [];

  constructor(page: Page, baseUrl: string) {
    const origin = new URL(baseUrl).origin;
    page.on('console', (msg) => {
      if (msg.type() !== 'error') return;
      const text = `${msg.text()} (${msg.location().url || 'no url'})`;
      if (this.allowed.some((re) => re.test(text))) return;
      this.errors.push(text);
    });
    page.on('pageerror', (error) => this.errors.push(`uncaught: ${error.message}`));
    page.on('request', (req) => {
      const url = req.url();
      if (url.startsWith('data:') || url.startsWith('blob:')) return;
      if (new URL(url).origin !== origin) this.external.push(url);
    });
  }

  /** Runs `fn` while console errors matching `patterns` are expected (e.g. the 401 of a wrong password). */
  async expecting<T>(patterns: RegExp[], fn: () => Promise<T>): Promise<T> {
    this.allowed = patterns;
    try {
      return await fn();
    } finally {
      this.allowed = [];
    }
  }
}

export interface AxeSummary {
  blocking: string[];
  other: string[];
}

export async function runAxe(page: Page): Promise<AxeSummary> {
  const results = await new AxeBuilder({ page }).analyze();
  const describe = (v: (typeof results.violations)[number]) =>
    `[${v.impact}] ${v.id}: ${v.help} (${v.nodes.length} node${v.nodes.length === 1 ? '' : 's'}: ${v.nodes
      .slice(0, 3)
      .map((n) => n.target.join(' '))
      .join(' | ')})`;
  const blocking = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  const other = results.violations.filter((v) => !(v.impact === 'serious' || v.impact === 'critical'));
  return { blocking: blocking.map(describe), other: other.map(describe) };
}

export function readMessages(lang: 'en' | 'zh-Hans' | 'zh-Hant'): Record<string, Record<string, string>> {
  return JSON.parse(readFileSync(path.join(REPO_ROOT, 'src/web/i18n', `${lang}.json`), 'utf8'));
}

// ---------- shared steps ----------

export const DESK = { width: 1280, height: 800 };
export const PHONE = { width: 390, height: 844 };
export const SCREENSHOTS = path.join(REPO_ROOT, 'e2e', 'screenshots');
export const TIMEOUT = 30_000;

/** What every spec gets: one server, one browser, one tally. */
export interface SpecContext {
  browser: Browser;
  baseUrl: string;
  checks: Checks;
  password: string;
}

export async function newPage(
  browser: Browser,
  baseUrl: string,
  viewport: typeof DESK,
  phone = false,
  extra: BrowserContextOptions = {},
) {
  const context = await browser.newContext({
    baseURL: baseUrl,
    viewport,
    locale: 'en-US',
    deviceScaleFactor: 1,
    isMobile: phone,
    hasTouch: phone,
    ...extra,
  });
  context.setDefaultTimeout(TIMEOUT);
  const page = await context.newPage();
  const watch = new PageWatch(page, baseUrl);
  return { context, page, watch };
}

export async function axeCheck(checks: Checks, page: Page, name: string) {
  await checks.check(`axe: ${name} has no serious or critical violations`, async () => {
    const summary = await runAxe(page);
    for (const line of summary.other) console.log(`        (minor) ${line}`);
    assert(summary.blocking.length === 0, summary.blocking.join('\n'));
  });
}

export async function login(page: Page, username: string, password: string) {
  await page.goto('/login');
  await page.getByTestId('login-submit').waitFor();
  await page.locator('#login_username').fill(username);
  await page.locator('#login_password').fill(password);
  await page.getByTestId('login-submit').click();
}
