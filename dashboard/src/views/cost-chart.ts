import { html } from "htm/preact";
import { useMemo } from "preact/hooks";
import { Chart, type ChartOption } from "../chart.js";
import { formatCompact, formatMoney } from "../format.js";
import type { GroupedSeries } from "../series.js";

/**
 * Bars, one series per group, as the report draws its daily costs. Groups are stacked per currency
 * (one stack each, side by side), so a bar never adds amounts in different currencies, and each
 * tooltip value is written in its own group's currency.
 */
export function CostChart(props: { id: string; label: string; series: GroupedSeries }) {
  const option = useMemo<ChartOption>(() => {
    const currencies = [...new Set(props.series.groups.map((g) => g.currency))];
    const axisCurrency = currencies.length === 1 ? currencies[0] : undefined;
    return {
      tooltip: { trigger: "axis" },
      legend: { type: "scroll", bottom: 0 },
      grid: { left: 70, right: 20, top: 20, bottom: 60 },
      xAxis: { type: "category", data: props.series.periods },
      yAxis: { type: "value", axisLabel: { formatter: (v: number) => formatCompact(v, axisCurrency) } },
      series: props.series.groups.map((g) => ({
        type: "bar",
        stack: `cost-${g.currency}`,
        name: g.name,
        data: g.values.map(Number),
        emphasis: { focus: "series" },
        // The value as a decimal string again, so the tooltip shows it in the group's currency.
        tooltip: { valueFormatter: (v: unknown) => (typeof v === "number" ? formatMoney(String(v), g.currency) : String(v)) },
      })),
    };
  }, [props.series]);
  return html`<${Chart} id=${props.id} label=${props.label} option=${option} />`;
}
