/** What run.ts hands each benchmark: the options, a progress bar per phase, and the report builder. */
import { progress } from '../../src/cli/progress.ts';
import type { Step } from './load-people.ts';
import { type Machine, type Measure, type Report, type Row, ratioOf } from './report.ts';

export interface BenchContext {
  name: string;
  quick: boolean;
  fresh: boolean;
  /** Options after the name: --persons 1000000 → { persons: '1000000' }; flags → 'true'. */
  options: Record<string, string>;
  log(message: string): void;
  step: Step;
  /** Ends the current progress bar (before printing). */
  endStep(): void;
}

export function numberOption(ctx: BenchContext, name: string, fallback: number): number {
  const raw = ctx.options[name];
  if (raw === undefined) return fallback;
  const n = Number(raw.replace(/_/g, ''));
  if (!Number.isFinite(n) || n < 0) throw new Error(`--${name} must be a number, got ${raw}`);
  return n;
}

export function makeStep(): { step: Step; end: () => void } {
  let phase = '';
  let bar: ReturnType<typeof progress> | null = null;
  return {
    step(p, done, total, label = '') {
      if (p !== phase) {
        bar?.stop();
        phase = p;
        bar = progress(`  ${p}`);
      }
      bar?.update(done, total, label);
    },
    end() {
      bar?.stop();
      bar = null;
      phase = '';
    },
  };
}

/** A row with its ratio computed (result throughput over baseline throughput) and its target checked. */
export function row(
  name: string,
  result: Measure,
  baseline: Measure | null,
  target?: { text: string; met: (r: Measure, ratio: number | null) => boolean | null },
  note?: string,
): Row {
  const ratio = ratioOf(result, baseline);
  return { case: name, result, baseline, ratio, target: target?.text, met: target ? target.met(result, ratio) : undefined, note };
}

export type ReportBody = Omit<Report, 'date' | 'machine' | 'quick' | 'seconds' | 'name'>;

export type BenchMain = (ctx: BenchContext) => Promise<ReportBody & { machinePg: Pick<Machine, 'postgres' | 'postgis'> }>;
