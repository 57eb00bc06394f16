/**
 * `npm run bench -- NAME [--quick] [--fresh] [--option value…]`: runs bench/NAME.ts, prints its table and writes
 * bench/results/NAME.json (NAME.quick.json with --quick, so that a smoke run never replaces the measured figures).
 * `npm run bench -- all --quick` runs every benchmark at its small volume; `npm run bench -- markdown` prints the
 * latest results as the tables of docs/BENCHMARKS.md.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type BenchContext, type BenchMain, makeStep } from './lib/context.ts';
import { BENCH_DIR } from './lib/paths.ts';
import { machineInfo, table, writeReport } from './lib/report.ts';

export const BENCHES = ['load', 'search', 'dashboard', 'locate', 'import', 'intake'] as const;

function parse(argv: string[]): { names: string[]; options: Record<string, string> } {
  const names: string[] = [];
  const options: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a.startsWith('--')) {
      const [k, v] = a.slice(2).split('=', 2) as [string, string | undefined];
      if (v !== undefined) options[k] = v;
      else if (argv[i + 1] !== undefined && !argv[i + 1]!.startsWith('--')) options[k] = argv[++i]!;
      else options[k] = 'true';
    } else names.push(a);
  }
  return { names, options };
}

async function runOne(name: string, options: Record<string, string>): Promise<boolean> {
  const file = join(BENCH_DIR, `${name}.ts`);
  if (!/^[a-z][a-z0-9-]*$/.test(name) || !existsSync(file)) {
    process.stderr.write(`bench: no benchmark named ${name} (have: ${BENCHES.join(', ')})\n`);
    return false;
  }
  const { step, end } = makeStep();
  const ctx: BenchContext = {
    name,
    quick: options.quick === 'true',
    fresh: options.fresh === 'true',
    options,
    log: (m) => {
      end();
      process.stdout.write(`${m}\n`);
    },
    step,
    endStep: end,
  };
  const t0 = Date.now();
  const mod = (await import(pathToFileURL(file).href)) as { main: BenchMain };
  ctx.log(`bench ${name}${ctx.quick ? ' (quick)' : ''}`);
  const body = await mod.main(ctx);
  end();
  const { machinePg, ...rest } = body;
  const report = { name, date: new Date().toISOString(), quick: ctx.quick, machine: machineInfo(machinePg), ...rest, seconds: Math.round((Date.now() - t0) / 1000) };
  process.stdout.write(`\n${table(report.rows)}\n`);
  for (const r of report.rows) if (r.note) process.stdout.write(`  ${r.case}: ${r.note}\n`);
  for (const n of report.notes) process.stdout.write(`  note: ${n}\n`);
  const out = writeReport(report);
  process.stdout.write(`\nwrote ${out} (${report.seconds} s)\n`);
  return true;
}

const { names, options } = parse(process.argv.slice(2));
if (names[0] === 'markdown') {
  const { markdown } = await import('./lib/markdown.ts');
  process.stdout.write(markdown(BENCHES, options.quick === 'true'));
  process.exit(0);
}
if (names.length === 0) {
  process.stderr.write(`usage: npm run bench -- NAME [--quick] [--fresh]   (NAME: ${BENCHES.join(', ')}, or all)\n`);
  process.exit(2);
}
const list = names.includes('all') ? [...BENCHES] : names;
let ok = true;
for (const n of list) {
  try {
    ok = (await runOne(n, options)) && ok;
  } catch (err) {
    ok = false;
    process.stderr.write(`bench ${n} failed: ${(err as Error).stack ?? err}\n`);
  }
}
process.exit(ok ? 0 : 1);
