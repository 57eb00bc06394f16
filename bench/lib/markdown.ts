/** The results as Markdown tables, for docs/BENCHMARKS.md: `npm run bench -- markdown [--quick]`. */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isThroughput, type Measure, type Report, RESULTS_DIR } from './report.ts';
import { round } from './stats.ts';

function fmt(x: number | undefined): string {
  if (x === undefined || !Number.isFinite(x)) return '';
  const r = round(x);
  return Math.abs(r) >= 1e4 ? Math.round(r).toLocaleString('en-US') : String(r);
}

function measure(m: Measure | null): string {
  if (!m) return '';
  const tail = isThroughput(m.unit) || m.p95 === undefined ? '' : ` (p95 ${fmt(m.p95)}${m.p99 === undefined ? '' : `, p99 ${fmt(m.p99)}`})`;
  return `${fmt(m.median)} ${m.unit}${tail}`;
}

export function markdown(names: readonly string[], quick: boolean): string {
  const reports = names
    .map((name) => join(RESULTS_DIR, `${name}${quick ? '.quick' : ''}.json`))
    .filter((file) => existsSync(file))
    .map((file) => JSON.parse(readFileSync(file, 'utf8')) as Report);
  const out: string[] = ['### Targets', '', '| benchmark | measured | headline result | baseline | ratio | target | met |', '|---|---|---|---|---|---|---|'];
  for (const r of reports) {
    const met = r.met === null || r.met === undefined ? '' : r.met ? 'yes' : '**no**';
    out.push(`| ${r.name} | ${r.date.slice(0, 10)} | ${measure(r.result)} | ${measure(r.baseline)} | ${r.ratio === null ? '' : `${fmt(r.ratio)}×`} | ${r.target} | ${met} |`);
  }
  out.push('');
  for (const r of reports) {
    out.push(`### ${r.name}`, '', `${r.date.slice(0, 16).replace('T', ' ')} UTC, ${r.db}, volume ${Object.entries(r.volume).map(([k, v]) => `${k} ${typeof v === 'number' ? v.toLocaleString('en-US') : v}`).join(', ')}; load average ${r.machine.loadAverage?.join(' / ') ?? '?'}; ${r.seconds} s.`, '');
    out.push('| case | result: median (p95, p99) | baseline | ratio | target | met |', '|---|---|---|---|---|---|');
    for (const row of r.rows) {
      out.push(`| ${row.case} | ${measure(row.result)} | ${measure(row.baseline)} | ${row.ratio === null ? '' : `${fmt(row.ratio)}×`} | ${row.target ?? ''} | ${row.met === undefined || row.met === null ? '' : row.met ? 'yes' : '**no**'} |`);
    }
    const notes = [...r.rows.filter((x) => x.note).map((x) => `${x.case}: ${x.note}`), ...r.notes];
    if (notes.length) out.push('', ...notes.map((n) => `- ${n}`));
    out.push('');
  }
  return out.join('\n');
}
