import { html } from "htm/preact";
import { useEffect } from "preact/hooks";
import { formatMoney, formatTotals } from "../format.js";
import { onLinkClick } from "../router.js";
import { dayRange, toSeries } from "../series.js";
import { addDays, useSession } from "../session.js";
import type { Anomaly, Budget, CostSummary, Forecast, Page } from "../types.js";
import { useLoad } from "../use-load.js";
import { CostChart } from "./cost-chart.js";
import { loadStatus } from "./status.js";

const DAYS = 30;

/** The month so far, its forecast, what needs attention, and the last 30 days by provider. */
export function Overview() {
  const { api, asOf } = useSession();
  const start = addDays(asOf, -(DAYS - 1));
  const [load] = useLoad(async () => {
    const [costs, forecast, open, budgets] = await Promise.all([
      api.call<CostSummary>("getCostSummary", { start, end: asOf, groupBy: ["provider"], granularity: "daily" }),
      api.call<Forecast>("getForecast", { seriesKey: "total" }).catch(() => null),
      api.call<Page<Anomaly>>("listAnomalies", { status: "open", limit: 200 }),
      api.call<Page<Budget>>("listBudgets", { limit: 200 }),
    ]);
    return { costs, forecast, open, budgets };
  }, [asOf]);
  useEffect(() => {
    // Rendered with its data and its handlers attached: bench/dashboard reads this as time to interactive.
    if (load.state === "ready" && performance.getEntriesByName("overview-interactive").length === 0) performance.mark("overview-interactive");
  }, [load.state]);
  const status = loadStatus(load, "the overview");
  const body =
    load.state === "ready"
      ? (() => {
          const { costs, forecast, open, budgets } = load.data;
          const atRisk = budgets.items.filter((b) => b.status && b.status.state !== "on_track").length;
          const me = forecast?.monthEnd;
          return html`
            <ul class="cards">
              <li><span class="label">Month to date${me ? ` (${me.period})` : ""}</span><span class="value">${formatMoney(me?.actualToDate, me?.currency)}</span></li>
              <li><span class="label">Month-end forecast</span><span class="value">${formatMoney(me?.projected, me?.currency)}</span>
                ${me ? html`<span class="band">80%: ${formatMoney(me.lower80, me.currency)} – ${formatMoney(me.upper80, me.currency)}</span>` : null}</li>
              <li><span class="label">Open anomalies</span><span class="value" id="open-anomalies">${open.items.length}${open.next ? "+" : ""}</span>
                <a href="/anomalies" onClick=${onLinkClick}>Review anomalies</a></li>
              <li><span class="label">Budgets at risk</span><span class="value">${atRisk} of ${budgets.items.length}</span>
                <a href="/budgets" onClick=${onLinkClick}>See budgets</a></li>
            </ul>
            <section aria-labelledby="daily-h">
              <h2 id="daily-h">Daily cost by provider, ${start} to ${asOf}</h2>
              <p>Total: <strong>${formatTotals(costs.totals)}</strong></p>
              <${CostChart} id="chart-overview" label="Daily cost by provider" series=${toSeries(costs, ["provider"], dayRange(start, asOf))} />
            </section>`;
        })()
      : null;
  return html`<h1>Overview</h1>${status}${body}`;
}
