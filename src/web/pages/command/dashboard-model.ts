// Pure logic of the dashboard: rankings of child nodes, what changed between two summaries, figures as text.
import type { Language } from '../../i18n/i18n.ts';
import type { ChildSummary, Indicator, IndicatorKey, NodeRef, Tiles } from './command-types.ts';

export const RANKING_METRICS = ['overdue', 'open', 'on_time_closure_rate'] as const;
export type RankingMetric = (typeof RANKING_METRICS)[number];

export function indicatorOf(indicators: readonly Indicator[], key: IndicatorKey): Indicator | undefined {
  return indicators.find((i) => i.key === key);
}

export interface Ranked {
  node: NodeRef;
  value: number | null;
}

/**
 * Child nodes ranked worst first: most overdue, most open, or the lowest on-time closure rate. Nodes without a rate
 * (nothing registered) go last; ties keep the code order, so the ranking does not shuffle on every refresh.
 */
export function rankChildren(children: readonly ChildSummary[], metric: RankingMetric): Ranked[] {
  const rows: Ranked[] = children.map((c) => ({
    node: c.node,
    value: metric === 'on_time_closure_rate' ? (indicatorOf(c.indicators, metric)?.value ?? null) : c[metric],
  }));
  const worstFirst = metric === 'on_time_closure_rate' ? 1 : -1;
  return rows.sort((a, b) => {
    if (a.value === null || b.value === null) {
      if (a.value === b.value) return a.node.code.localeCompare(b.node.code);
      return a.value === null ? 1 : -1;
    }
    return (a.value - b.value) * worstFirst || a.node.code.localeCompare(b.node.code);
  });
}

export const TILE_KEYS = ['intakeToday', 'open', 'overdue', 'onTimeClosureRate', 'satisfactionRate'] as const;
export type TileKey = (typeof TILE_KEYS)[number];

/** The number a tile shows (a rate as its value, null without a denominator). */
export function tileValue(tiles: Tiles, key: TileKey): number | null {
  switch (key) {
    case 'intakeToday':
      return tiles.intakeToday.total;
    case 'open':
    case 'overdue':
      return tiles[key];
    default:
      return tiles[key].value;
  }
}

/** Tiles whose figure differs between two answers: what a screen reader hears after a live refresh. */
export function changedTiles(prev: Tiles | undefined, next: Tiles): TileKey[] {
  if (!prev) return [];
  return TILE_KEYS.filter((k) => tileValue(prev, k) !== tileValue(next, k));
}

export function nodeName(node: Pick<NodeRef, 'name'>, lang: Language): string {
  return node.name[lang] || node.name['zh-Hans'] || node.name.en;
}

export function formatCount(n: number, lang: Language): string {
  return new Intl.NumberFormat(lang).format(n);
}

/** A rate as a percentage with one decimal; "—" when it has no denominator. */
export function formatRate(value: number | null | undefined, lang: Language): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  return new Intl.NumberFormat(lang, { style: 'percent', minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(value);
}
