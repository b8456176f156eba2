import { html } from "htm/preact";
import { useMemo } from "preact/hooks";
import { Chart, type ChartOption } from "../chart.js";
import { formatCompact, formatMoney } from "../format.js";
import type { GroupedSeries } from "../series.js";

/** Stacked bars, one series per group, as the report draws its daily costs. */
export function CostChart(props: { id: string; label: string; series: GroupedSeries }) {
  const option = useMemo<ChartOption>(
    () => ({
      tooltip: {
        trigger: "axis",
        valueFormatter: (v: unknown) => (typeof v === "number" ? formatMoney(String(v)) : String(v)),
      },
      legend: { type: "scroll", bottom: 0 },
      grid: { left: 70, right: 20, top: 20, bottom: 60 },
      xAxis: { type: "category", data: props.series.periods },
      yAxis: { type: "value", axisLabel: { formatter: (v: number) => formatCompact(v) } },
      series: props.series.groups.map((g) => ({ type: "bar", stack: "cost", name: g.name, data: g.values.map(Number), emphasis: { focus: "series" } })),
    }),
    [props.series],
  );
  return html`<${Chart} id=${props.id} label=${props.label} option=${option} />`;
}
