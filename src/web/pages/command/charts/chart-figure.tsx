import type { ReactNode } from 'react';
import type { ChartOption } from './echarts.ts';
import { useEChart } from './use-echart.ts';

export interface ChartTable {
  columns: string[];
  rows: Array<{ key: string; cells: ReactNode[] }>;
}

interface ChartFigureProps {
  id: string;
  title: string;
  /** What the chart shows, in a sentence: the chart's accessible name. */
  summary: string;
  option: ChartOption;
  dark: boolean;
  /** The same figures as a table for screen readers (visually hidden). */
  table: ChartTable;
  /** Controls above the chart (metric, compare). */
  controls?: ReactNode;
  onClick?: (dataIndex: number) => void;
  height: number;
  empty?: boolean;
  emptyText?: string;
  testId: string;
}

/**
 * A chart with a heading, an accessible name that summarises it, and its data as a visually hidden table: the canvas
 * itself says nothing to a screen reader.
 */
export function ChartFigure({ id, title, summary, option, dark, table, controls, onClick, height, empty, emptyText, testId }: ChartFigureProps) {
  const ref = useEChart(option, dark, onClick ? (c) => onClick(c.dataIndex) : undefined);
  return (
    <section className="gl-panel gl-command-chart" aria-labelledby={`${id}-title`} data-testid={testId}>
      <div className="gl-command-chart-head">
        <h2 id={`${id}-title`} className="gl-panel-title">
          {title}
        </h2>
        {controls}
      </div>
      {empty ? <p className="gl-muted gl-command-chart-empty">{emptyText}</p> : null}
      <div
        ref={ref}
        className="gl-command-chart-canvas"
        role="img"
        aria-label={summary}
        style={{ height, display: empty ? 'none' : undefined }}
        data-testid={`${testId}-canvas`}
      />
      <table className="gl-visually-hidden" data-testid={`${testId}-table`}>
        <caption>{title}</caption>
        <thead>
          <tr>
            {table.columns.map((c) => (
              <th key={c} scope="col">
                {c}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {table.rows.map((r) => (
            <tr key={r.key}>
              {r.cells.map((cell, i) => (i === 0 ? <th key={table.columns[i]} scope="row">{cell}</th> : <td key={table.columns[i]}>{cell}</td>))}
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
