import type { TFunction } from 'i18next';
import { spanOf } from '../../lib/format.ts';
import { type AttenuationLevel, COMMAND_LEVELS, type CommandLevel } from './command-types.ts';

export interface ChainLink {
  level: CommandLevel;
  current: AttenuationLevel | undefined;
  compare: AttenuationLevel | undefined;
}

/** The levels present in either period, from the top of the tree down (district → grid), each with both periods. */
export function attenuationChain(levels: readonly AttenuationLevel[], compare?: readonly AttenuationLevel[]): ChainLink[] {
  const present = new Set([...levels, ...(compare ?? [])].map((l) => l.level));
  return COMMAND_LEVELS.filter((l) => present.has(l)).map((level) => ({
    level,
    current: levels.find((l) => l.level === level),
    compare: compare?.find((l) => l.level === level),
  }));
}

/** A span of minutes in words ("1.5 h"); "—" without a figure. */
export function formatMinutes(minutes: number | null, t: TFunction): string {
  if (minutes === null || !Number.isFinite(minutes)) return '—';
  const span = spanOf(minutes);
  return t(`units.${span.unit}`, { count: span.value });
}
