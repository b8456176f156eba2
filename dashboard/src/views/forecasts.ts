import { html } from "htm/preact";
import { useMemo, useState } from "preact/hooks";
import { Chart, type ChartOption } from "../chart.js";
import { CURRENCY, formatCompact, formatMoney } from "../format.js";
import { addDays, useSession } from "../session.js";
import type { CostSummary, Forecast } from "../types.js";
import { useLoad } from "../use-load.js";
import { loadStatus } from "./status.js";

/**
 * The forecast stage's series (`total`, and `account:<id>` for each account with costs in the last
 * 30 days), daily means with their 80% and 95% bands, and the month-end projection.
 */
function forecastOption(f: Forecast): ChartOption {
  const dates = f.points.map((p) => p.date);
  const n = (s: string) => Number(s);
  // Bands are drawn as stacked areas: an invisible base at the lower bound, the band's width on top.
  const band = (name: string, lower: (i: number) => number, upper: (i: number) => number, opacity: number) => [
    { type: "line", name: `${name} base`, stack: name, data: f.points.map((_, i) => lower(i)), lineStyle: { opacity: 0 }, symbol: "none", tooltip: { show: false } },
    { type: "line", name, stack: name, data: f.points.map((_, i) => upper(i) - lower(i)), lineStyle: { opacity: 0 }, areaStyle: { opacity }, symbol: "none" },
  ];
  const p = (i: number) => f.points[i] ?? { lower80: "0", upper80: "0", lower95: "0", upper95: "0" };
  return {
    tooltip: { trigger: "axis" },
    legend: { data: ["mean", "95% band", "80% band"], bottom: 0 },
    grid: { left: 70, right: 20, top: 20, bottom: 60 },
    xAxis: { type: "category", data: dates },
    yAxis: { type: "value", axisLabel: { formatter: (v: number) => formatCompact(v, f.monthEnd?.currency ?? CURRENCY) } },
    series: [
      ...band("95% band", (i) => n(p(i).lower95), (i) => n(p(i).upper95), 0.15),
      ...band("80% band", (i) => n(p(i).lower80), (i) => n(p(i).upper80), 0.3),
      { type: "line", name: "mean", data: f.points.map((x) => n(x.mean)), symbol: "none" },
    ],
  };
}

export function Forecasts() {
  const { api, asOf } = useSession();
  const [seriesKey, setSeriesKey] = useState("total");
  const [accounts] = useLoad(async () => {
    const s = await api.call<CostSummary>("getCostSummary", { start: addDays(asOf, -29), end: asOf, groupBy: ["account"], granularity: "monthly" });
    return [...new Set(s.rows.map((r) => r.dims.account).filter((a): a is string => Boolean(a)))].sort();
  }, [asOf]);
  const [load] = useLoad(() => api.call<Forecast>("getForecast", { seriesKey }), [seriesKey]);
  const option = useMemo(() => (load.state === "ready" ? forecastOption(load.data) : null), [load]);
  const me = load.state === "ready" ? load.data.monthEnd : undefined;
  return html`
    <h1>Forecasts</h1>
    <form class="filters" onSubmit=${(e: Event) => e.preventDefault()}>
      <label for="forecast-series">Series</label>
      <select id="forecast-series" value=${seriesKey} onChange=${(e: Event) => setSeriesKey((e.target as HTMLSelectElement).value)}>
        <option value="total">all costs</option>
        ${accounts.state === "ready" ? accounts.data.map((a) => html`<option value=${`account:${a}`}>account ${a}</option>`) : null}
      </select>
    </form>
    ${loadStatus(load, "the forecast")}
    ${me
      ? html`<table id="month-end-table">
          <caption>Month-end projection for ${me.period}</caption>
          <tbody>
            <tr><th scope="row">Actual to date</th><td class="num">${formatMoney(me.actualToDate, me.currency)}</td></tr>
            <tr><th scope="row">Projected</th><td class="num">${formatMoney(me.projected, me.currency)}</td></tr>
            <tr><th scope="row">80% band</th><td class="num">${formatMoney(me.lower80, me.currency)} – ${formatMoney(me.upper80, me.currency)}</td></tr>
            <tr><th scope="row">95% band</th><td class="num">${formatMoney(me.lower95, me.currency)} – ${formatMoney(me.upper95, me.currency)}</td></tr>
          </tbody>
        </table>`
      : null}
    ${load.state === "ready" && option
      ? load.data.points.length > 0
        ? html`<section aria-labelledby="forecast-h"><h2 id="forecast-h">Daily forecast from ${load.data.asOf}</h2><${Chart} id="chart-forecast" label="Daily cost forecast with 80% and 95% bands" option=${option} /></section>`
        : html`<p>This series has a month-end projection only.</p>`
      : null}`;
}
