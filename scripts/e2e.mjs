#!/usr/bin/env node
// Browser end-to-end test: builds the web app, then runs e2e/run.ts (which starts its own
// server on a free port with a fresh data directory, drives Debian's chromium, and stops both).
// Arguments: a spec name (territory, closed-loop, staff-pages) runs that spec only.
// Env: E2E_SKIP_BUILD=1 reuses dist/web; E2E_SERVER_ENTRY=<script> replaces bin/gridloop.js;
// E2E_BASE_URL=<url> (with E2E_PASSWORD) tests a server that is already running instead of starting one;
// E2E_KEEP_DATA=1 keeps the temporary data directory; E2E_CHROMIUM=<path> replaces /usr/bin/chromium.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = (name) => path.join(root, 'node_modules', '.bin', name);

function run(cmd, args) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: root, stdio: 'inherit' });
    const forward = (signal) => child.kill(signal);
    process.once('SIGINT', forward);
    process.once('SIGTERM', forward);
    child.on('exit', (code, signal) => {
      process.off('SIGINT', forward);
      process.off('SIGTERM', forward);
      resolve(code ?? (signal ? 1 : 0));
    });
  });
}

if (!process.env.E2E_SKIP_BUILD || !existsSync(path.join(root, 'dist/web/index.html'))) {
  const code = await run(bin('vite'), ['build', '--config', 'vite.config.ts', '--logLevel', 'warn']);
  if (code !== 0) {
    console.log('e2e: 0 passed, 1 failed');
    process.exit(code);
  }
}
process.exitCode = await run(bin('tsx'), ['e2e/run.ts', ...process.argv.slice(2)]);
