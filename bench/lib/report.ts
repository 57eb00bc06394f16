/**
 * What every benchmark reports: a table on standard output and `bench/results/NAME.json` holding `name`, `date`,
 * `machine`, `db`, `volume`, `result`, `baseline` and `ratio` (the result's throughput over the baseline's: above 1 means
 * faster than the baseline), with one row per case measured.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { BENCH_DIR } from './paths.ts';
import { round } from './stats.ts';

export const RESULTS_DIR = join(BENCH_DIR, 'results');

/** One measured figure: a latency (ms, lower is better) or a throughput (per second, higher is better). */
export interface Measure {
  median: number;
  p95?: number;
  p99?: number;
  unit: string;
  /** How many timed repetitions the median is over. */
  n?: number;
}

export interface Row {
  case: string;
  result: Measure;
  baseline: Measure | null;
  /** Result throughput over the baseline's; null without a baseline. */
  ratio: number | null;
  target?: string;
  met?: boolean | null;
  note?: string;
}

export interface Machine {
  cores: number;
  cpu: string;
  memoryGb: number;
  node: string;
  postgres: string | null;
  postgis: string | null;
  platform: string;
  /** 1, 5 and 15-minute load averages when the report was written: the machine is shared, and this says how much. */
  loadAverage: number[];
}

export interface Report {
  name: string;
  date: string;
  quick: boolean;
  machine: Machine;
  db: string;
  volume: Record<string, number | string>;
  /** The headline figure and its baseline (the first row unless a bench says otherwise). */
  result: Measure;
  baseline: Measure | null;
  ratio: number | null;
  target: string;
  met: boolean | null;
  rows: Row[];
  notes: string[];
  seconds: number;
}

export function machineInfo(pg: { postgres: string | null; postgis: string | null }): Machine {
  const cpu = cpus();
  return {
    cores: cpu.length,
    cpu: cpu[0]?.model.trim() ?? 'unknown',
    memoryGb: round(totalmem() / 2 ** 30, 3),
    node: process.version,
    postgres: pg.postgres,
    postgis: pg.postgis,
    platform: `${process.platform} ${process.arch}`,
    loadAverage: loadavg().map((x) => round(x)),
  };
}

/** Higher-is-better units: throughputs. Everything else is a time, where lower is better. */
export function isThroughput(unit: string): boolean {
  return unit.includes('/s');
}

/** Result throughput over baseline throughput, from medians of either kind of unit. */
export function ratioOf(result: Measure, baseline: Measure | null): number | null {
  if (!baseline || !(result.median > 0) || !(baseline.median > 0)) return null;
  if (isThroughput(result.unit) !== isThroughput(baseline.unit)) throw new Error(`cannot compare ${result.unit} with ${baseline.unit}`);
  return round(isThroughput(result.unit) ? result.median / baseline.median : baseline.median / result.median);
}

function fmt(x: number | undefined): string {
  if (x === undefined || Number.isNaN(x)) return '';
  const r = round(x);
  return Math.abs(r) >= 1e4 ? Math.round(r).toLocaleString('en-US') : String(r);
}

function measureText(m: Measure | null): [string, string, string] {
  if (!m) return ['', '', ''];
  return [`${fmt(m.median)} ${m.unit}`, m.p95 === undefined ? '' : fmt(m.p95), m.p99 === undefined ? '' : fmt(m.p99)];
}

/** The report as a fixed-width table, one line per row. */
export function table(rows: readonly Row[]): string {
  const head = ['case', 'median', 'p95', 'p99', 'baseline', 'b.p95', 'ratio', 'target', 'met'];
  const body = rows.map((r) => {
    const [m, p95, p99] = measureText(r.result);
    const [bm, bp95] = measureText(r.baseline);
    return [r.case, m, p95, p99, bm, bp95, r.ratio === null ? '' : fmt(r.ratio), r.target ?? '', r.met === undefined || r.met === null ? '' : r.met ? 'yes' : 'NO'];
  });
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}

export function writeReport(report: Report): string {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const file = join(RESULTS_DIR, `${report.name}${report.quick ? '.quick' : ''}.json`);
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  return file;
}
