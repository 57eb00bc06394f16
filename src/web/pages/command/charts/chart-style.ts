// Colours and type sizes shared by the command charts, for the desk (light) and the wall (dark, read from afar).

export interface ChartStyle {
  text: string;
  axis: string;
  split: string;
  fontSize: number;
  series: { intake: string; registered: string; closed: string; overdue: string; median: string; p90: string; rate: string; compare: string };
}

const LIGHT: ChartStyle = {
  text: '#33404f',
  axis: '#8793a3',
  split: '#e3e8ef',
  fontSize: 12,
  series: {
    intake: '#1a56b8',
    registered: '#0e7490',
    closed: '#2f9e44',
    overdue: '#c0262d',
    median: '#6d28d9',
    p90: '#c2410c',
    rate: '#2f9e44',
    compare: '#9aa5b4',
  },
};

const DARK: ChartStyle = {
  text: '#dbe4f0',
  axis: '#8fa3bf',
  split: '#25324a',
  fontSize: 17,
  series: {
    intake: '#6ea8ff',
    registered: '#38bdf8',
    closed: '#4ade80',
    overdue: '#f87171',
    median: '#c4b5fd',
    p90: '#fb923c',
    rate: '#4ade80',
    compare: '#64748b',
  },
};

export function chartStyle(dark: boolean): ChartStyle {
  return dark ? DARK : LIGHT;
}

/**
 * The page's font stack: a canvas cannot "inherit", and an invalid font makes it fall back to 10px sans-serif. The
 * stack follows the language (CJK glyph shapes), so it is read when a chart is drawn.
 */
function fontFamily(): string {
  const stack = typeof document === 'undefined' ? '' : getComputedStyle(document.documentElement).getPropertyValue('--gl-font-family');
  return stack.trim() || 'sans-serif';
}

/** Axis and legend settings every chart repeats. */
export function baseOption(s: ChartStyle) {
  return {
    backgroundColor: 'transparent',
    textStyle: { color: s.text, fontSize: s.fontSize, fontFamily: fontFamily() },
    legend: { top: 0, textStyle: { color: s.text, fontSize: s.fontSize } },
    tooltip: { trigger: 'axis' as const, confine: true },
  };
}

export function axisStyle(s: ChartStyle) {
  return {
    axisLine: { lineStyle: { color: s.axis } },
    axisLabel: { color: s.text, fontSize: s.fontSize },
    splitLine: { lineStyle: { color: s.split } },
  };
}
