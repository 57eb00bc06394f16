import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The bench/ folder: results, the generated files and the bench's data directory live under it. */
export const BENCH_DIR = join(dirname(fileURLToPath(import.meta.url)), '..');
export const REPO_DIR = join(BENCH_DIR, '..');
