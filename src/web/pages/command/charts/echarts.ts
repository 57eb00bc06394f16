// ECharts, modular: only the bar and line charts, the grid, tooltip and legend, and the canvas renderer, so that the
// command chunk carries a fraction of the full library.
import { type BarSeriesOption, BarChart, type LineSeriesOption, LineChart } from 'echarts/charts';
import {
  type GridComponentOption,
  GridComponent,
  type LegendComponentOption,
  LegendComponent,
  type TooltipComponentOption,
  TooltipComponent,
} from 'echarts/components';
import { type ComposeOption, type EChartsType, init, use } from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';

use([BarChart, LineChart, GridComponent, TooltipComponent, LegendComponent, CanvasRenderer]);

export type ChartOption = ComposeOption<
  BarSeriesOption | LineSeriesOption | GridComponentOption | LegendComponentOption | TooltipComponentOption
>;

export type Chart = EChartsType;

export function createChart(el: HTMLElement, dark: boolean): Chart {
  return init(el, dark ? 'dark' : undefined, { renderer: 'canvas' });
}
