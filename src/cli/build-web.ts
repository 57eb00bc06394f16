import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const STAMP = join(ROOT, 'dist/web/.build-stamp');

function newest(dir: string): number {
  let max = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) max = Math.max(max, newest(p));
    else if (!entry.name.endsWith('.test.ts')) max = Math.max(max, statSync(p).mtimeMs);
  }
  return max;
}

/** Builds the web bundle when it is missing or older than its sources, so `npm start` serves the current app. */
export async function ensureWebBuild(log: (msg: string) => void): Promise<void> {
  const sources = Math.max(newest(join(ROOT, 'src/web')), statSync(join(ROOT, 'vite.config.ts')).mtimeMs);
  if (existsSync(STAMP) && statSync(STAMP).mtimeMs >= sources) return;
  log('building the web app…');
  const t0 = Date.now();
  const { build } = await import('vite');
  await build({ configFile: join(ROOT, 'vite.config.ts'), logLevel: 'warn' });
  writeFileSync(STAMP, new Date().toISOString());
  log(`web app built in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}
