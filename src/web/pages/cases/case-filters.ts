import { CASE_STATES, CHANNELS, LIGHTS } from '../../case-types.ts';

/** The case list's filters, as they live in the address bar (so a filtered list can be bookmarked and shared). */
export interface CaseFilters {
  state: string[];
  category?: string;
  grid?: string;
  channel?: string;
  light?: string;
  /** Days (YYYY-MM-DD), inclusive, in the server's time zone. */
  from?: string;
  to?: string;
  q?: string;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const CATEGORY = /^[CE](\d{2}){0,2}$/;

export function filtersFromParams(params: URLSearchParams): CaseFilters {
  const one = (key: string, ok: (v: string) => boolean) => {
    const v = params.get(key)?.trim();
    return v && ok(v) ? v : undefined;
  };
  return {
    state: params.getAll('state').filter((s) => (CASE_STATES as readonly string[]).includes(s)),
    category: one('category', (v) => CATEGORY.test(v)),
    grid: one('grid', (v) => v.length <= 64),
    channel: one('channel', (v) => (CHANNELS as readonly string[]).includes(v)),
    light: one('light', (v) => (LIGHTS as readonly string[]).includes(v)),
    from: one('from', (v) => DAY.test(v)),
    to: one('to', (v) => DAY.test(v)),
    q: one('q', (v) => v.length <= 100),
  };
}

export function paramsFromFilters(f: CaseFilters): URLSearchParams {
  const out = new URLSearchParams();
  for (const s of f.state) out.append('state', s);
  for (const key of ['category', 'grid', 'channel', 'light', 'from', 'to', 'q'] as const) {
    const v = f[key];
    if (v) out.set(key, v);
  }
  return out;
}

export function activeFilterCount(f: CaseFilters): number {
  return (f.state.length > 0 ? 1 : 0) + (['category', 'grid', 'channel', 'light', 'q'] as const).filter((k) => f[k]).length + (f.from || f.to ? 1 : 0);
}

/** The API's query: days become instants at midnight in the server's zone, `to` inclusive (so the next midnight). */
export function apiQueryOf(f: CaseFilters, toInstant: (day: string) => string | null): Record<string, string | string[] | undefined> {
  const nextDay = (day: string) => {
    const d = new Date(`${day}T00:00:00Z`);
    d.setUTCDate(d.getUTCDate() + 1);
    return d.toISOString().slice(0, 10);
  };
  return {
    state: f.state,
    category: f.category,
    grid: f.grid,
    channel: f.channel,
    light: f.light,
    from: f.from ? (toInstant(f.from) ?? undefined) : undefined,
    to: f.to ? (toInstant(nextDay(f.to)) ?? undefined) : undefined,
    q: f.q,
  };
}
