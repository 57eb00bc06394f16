import { useEffect, useRef } from 'react';
import { type Chart, type ChartOption, createChart } from './echarts.ts';

interface ChartClick {
  dataIndex: number;
  seriesIndex?: number;
}

/**
 * Draws an ECharts option into the returned ref's element, follows the element's size, and hands clicks on data to
 * `onClick`. The chart is made once per theme; a new option replaces the old one whole.
 */
export function useEChart(option: ChartOption, dark: boolean, onClick?: (click: ChartClick) => void) {
  const ref = useRef<HTMLDivElement>(null);
  const chartRef = useRef<Chart | null>(null);
  const onClickRef = useRef(onClick);
  onClickRef.current = onClick;
  const optionRef = useRef(option);
  optionRef.current = option;

  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const chart = createChart(el, dark);
    chartRef.current = chart;
    chart.setOption(optionRef.current);
    chart.on('click', (params) => {
      const p = params as { dataIndex?: number; seriesIndex?: number };
      if (typeof p.dataIndex === 'number') onClickRef.current?.({ dataIndex: p.dataIndex, seriesIndex: p.seriesIndex });
    });
    const observer = new ResizeObserver(() => chart.resize());
    observer.observe(el);
    return () => {
      observer.disconnect();
      chartRef.current = null;
      chart.dispose();
    };
  }, [dark]);

  useEffect(() => {
    chartRef.current?.setOption(option, { notMerge: true });
  }, [option]);

  return ref;
}
