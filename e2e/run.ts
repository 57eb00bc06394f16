// Browser end-to-end tests against one freshly started Gridloop server: sign-in and the territory, then the closed
// loop from a resident's report to the rating. Run through `node scripts/e2e.mjs [spec]` (builds the web app first)
// or `npx tsx e2e/run.ts [territory|closed-loop|staff-pages|registry|command]`. E2E_BASE_URL=<url> runs against a
// server that is already up (its demo password in E2E_PASSWORD) instead of starting one.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { closedLoopSpec } from './closed-loop.e2e.ts';
import { commandSpec } from './command.e2e.ts';
import { staffPagesSpec } from './staff-pages.e2e.ts';
import { Checks, launchBrowser, REPO_ROOT, type RunningServer, readTail, SCREENSHOTS, type SpecContext, startServer } from './harness.ts';
import { registrySpec } from './registry.e2e.ts';
import { territorySpec } from './territory.e2e.ts';

const SPECS: Record<string, (ctx: SpecContext) => Promise<void>> = {
  territory: territorySpec,
  'closed-loop': closedLoopSpec,
  'staff-pages': staffPagesSpec,
  registry: registrySpec,
  command: commandSpec,
};

async function main(): Promise<number> {
  const checks = new Checks();
  const only = process.argv[2];
  if (only && !SPECS[only]) {
    console.log(`e2e: unknown spec ${only}; known: ${Object.keys(SPECS).join(', ')}`);
    return 2;
  }
  mkdirSync(SCREENSHOTS, { recursive: true });
  const entry = process.env.E2E_SERVER_ENTRY ?? path.join(REPO_ROOT, 'bin', 'gridloop.js');
  let server: RunningServer | undefined;
  let browser: Browser | undefined;
  try {
    let baseUrl = process.env.E2E_BASE_URL;
    let password = process.env.E2E_PASSWORD ?? 'e2e-pass';
    if (!baseUrl) {
      password = 'e2e-pass';
      console.log(`e2e: starting ${path.relative(REPO_ROOT, entry) || entry} start`);
      const started = Date.now();
      server = await startServer({ entry, password, readyTimeoutMs: 5 * 60_000 });
      baseUrl = server.baseUrl;
      console.log(`e2e: server ready at ${baseUrl} in ${Math.round((Date.now() - started) / 1000)}s`);
    }
    browser = await launchBrowser();
    for (const [name, spec] of Object.entries(SPECS)) {
      if (only && name !== only) continue;
      console.log(`e2e: ${name}`);
      try {
        await spec({ browser, baseUrl, checks, password });
      } catch (error) {
        checks.failed++;
        console.log(`  FAIL  ${name} aborted: ${error instanceof Error ? error.stack : String(error)}`);
        if (server) console.log(`--- server log (tail) ---\n${readTail(server.logFile)}`);
      }
    }
  } catch (error) {
    checks.failed++;
    console.log(`  FAIL  e2e run aborted: ${error instanceof Error ? error.stack : String(error)}`);
    if (server) console.log(`--- server log (tail) ---\n${readTail(server.logFile)}`);
  } finally {
    await browser?.close().catch(() => undefined);
    await server?.stop().catch(() => undefined);
  }
  console.log(checks.summary());
  return checks.failed === 0 && checks.passed > 0 ? 0 : 1;
}

process.exitCode = await main();
