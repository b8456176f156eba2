import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import Big from "big.js";
import { formatExactMoney } from "../format.js";
import { tenantCurrencyFirst } from "./currency-order.js";
import type { ReportBacktest } from "./report-backtest.js";
import type { ReportData } from "./report-data.js";

/**
 * One self-contained HTML file: ECharts is inlined from the installed package (no CDN, works
 * offline) and the data travels as JSON inside the page. Amounts are formatted here, in the
 * tenant's currency and locale, from the exact decimal strings; the charts get numbers only to
 * place marks, and their tooltips show the formatted strings.
 */

const require = createRequire(import.meta.url);
let echartsSource: string | undefined;
function echartsScript(): string {
  echartsSource ??= readFileSync(require.resolve("echarts/dist/echarts.min.js"), "utf8");
  return echartsSource.replace(/<\/script/gi, "<\\/script");
}

/** The currencies of a list, the tenant's first, then by code. */
const currenciesOf = (items: readonly { currency: string }[], tenantCurrency: string): string[] => tenantCurrencyFirst(items.map((x) => x.currency), tenantCurrency);

/** A chart's element id: its kind and the currency it shows (an ISO 4217 code; anything else made safe). */
const chartId = (kind: string, currency: string): string => `${kind}-${currency.replace(/[^A-Za-z0-9]/g, "_")}`;

const esc = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
/** JSON inside a <script> element: `<` escaped so that no string can close the element. */
const jsonInScript = (v: unknown): string => JSON.stringify(v).replace(/</g, "\\u003c");

export function renderReportHtml(d: ReportData): string {
  const moneyIn = (v: string, currency: string) => formatExactMoney(v, currency, d.locale);
  const several = (n: number) => n > 1;
  const budgetCurrencies = currenciesOf(d.budgets, d.currency);
  const forecastCurrencies = currenciesOf(d.forecasts, d.currency);
  const chartData = {
    currency: d.currency,
    locale: d.locale,
    // Budgets and forecasts: one chart per currency, amounts in their own.
    budgets: budgetCurrencies.map((cur) => ({
      id: chartId("chart-budgets", cur),
      currency: cur,
      items: d.budgets
        .filter((b) => b.currency === cur)
        .map((b) => ({ ...b, fmt: { amount: moneyIn(b.amount, cur), actual: moneyIn(b.actual, cur), projected: moneyIn(b.projected, cur) } })),
    })),
    forecasts: forecastCurrencies.map((cur) => ({
      id: chartId("chart-forecast", cur),
      currency: cur,
      items: d.forecasts
        .filter((f) => f.currency === cur)
        .map((f) => ({
          ...f,
          fmt: {
            actualToDate: moneyIn(f.actualToDate, cur),
            projected: moneyIn(f.projected, cur),
            band80: `${moneyIn(f.lower80, cur)} – ${moneyIn(f.upper80, cur)}`,
            band95: `${moneyIn(f.lower95, cur)} – ${moneyIn(f.upper95, cur)}`,
          },
        })),
    })),
    // One daily chart per currency; an anomaly's marker sits on its own currency's chart, on the
    // window's last day (the day the anomaly was flagged through).
    daily: d.daily.byCurrency.map((c) => ({
      id: chartId("chart-daily", c.currency),
      currency: c.currency,
      dates: d.daily.dates,
      series: c.series,
      totals: c.totals,
      markers: d.anomalies
        .filter((a) => a.currency === c.currency && d.daily.dates.includes(a.end))
        .map((a) => ({
          date: a.end,
          impact: moneyIn(a.impact, a.currency),
          direction: a.direction,
          where: a.where,
          window: a.start === a.end ? a.end : `${a.start} – ${a.end}`,
          rootCauses: a.rootCauses.map((r) => `${r.dimension} ${r.value}: ${moneyIn(r.contribution, a.currency)}`),
        })),
    })),
    allocation: d.allocation.byCurrency.map((c) => ({
      id: chartId("chart-allocation", c.currency),
      currency: c.currency,
      slices: c.slices.map((x) => ({ name: x.value ?? "untagged", value: Number(x.cost), fmt: moneyIn(x.cost, c.currency) })),
    })),
  };

  const section = (id: string, title: string, body: string) => `<section aria-labelledby="${id}-h"><h2 id="${id}-h">${esc(title)}</h2>${body}</section>`;
  const chart = (id: string, label: string) => `<div class="chart" id="${id}" role="img" aria-label="${esc(label)}"></div>`;
  const anomalyRows = d.anomalies
    .map(
      (a) =>
        `<tr><td>${esc(a.start === a.end ? a.end : `${a.start} – ${a.end}`)}</td><td>${esc(a.where)}</td><td>${esc(a.direction)}</td><td class="num">${esc(moneyIn(a.impact, a.currency))}</td><td>${
          a.rootCauses.length ? `<ul>${a.rootCauses.map((c) => `<li>${esc(`${c.dimension} ${c.value}`)}: ${esc(moneyIn(c.contribution, a.currency))}</li>`).join("")}</ul>` : "—"
        }</td><td>${esc(a.severity)}</td><td>${esc(a.status)}</td></tr>`,
    )
    .join("");
  const percent = new Intl.NumberFormat(d.locale, { style: "percent", maximumFractionDigits: 1 });
  /** The untagged spend of one currency, and its share of that currency's total (summed exactly). */
  const untaggedLine = (c: ReportData["allocation"]["byCurrency"][number]): string => {
    const untagged = c.slices.find((x) => x.value === null);
    if (!untagged) return "none";
    const total = c.slices.reduce((n, x) => n.plus(x.cost), new Big(0));
    return total.gt(0) ? `${moneyIn(untagged.cost, c.currency)} (${percent.format(new Big(untagged.cost).div(total).toNumber())})` : moneyIn(untagged.cost, c.currency);
  };

  const sections = [
    section(
      "budgets",
      "Month-to-date spend against budgets",
      d.budgets.length
        ? budgetCurrencies
            .map((cur) => `${several(budgetCurrencies.length) ? `<h3>In ${esc(cur)}</h3>` : ""}${chart(chartId("chart-budgets", cur), `Bar chart: spend to date and projected spend against each budget in ${cur}`)}`)
            .join("")
        : "<p>No budget is defined for this tenant.</p>",
    ),
    section(
      "forecast",
      "Month-end forecast with 80% and 95% bands",
      d.forecasts.length
        ? `${forecastCurrencies
            .map(
              (cur) =>
                `${several(forecastCurrencies.length) ? `<h3>In ${esc(cur)}</h3>` : ""}${chart(chartId("chart-forecast", cur), `Month-to-date spend and month-end forecast in ${cur} with its 80% and 95% intervals, in total and per provider account`)}`,
            )
            .join("")}<p class="note">The forecast is kept per account; each account is labelled with its provider.</p>`
        : "<p>No forecast yet: run the nightly first.</p>",
    ),
    section(
      "backtest",
      "Forecast against actual, last complete month",
      d.backtests.length
        ? `${d.backtests.map((b) => `${several(d.backtests.length) ? `<h3>In ${esc(b.currency)}</h3>` : ""}${backtestBody(b, (v) => moneyIn(v, b.currency), d.locale)}`).join("")}<p class="note">The forecaster is replayed with the ledger cut at the month's first day, then compared with the month's billed cost${several(d.backtests.length) ? ", in each currency apart" : ""}.</p>`
        : "<p>Not enough history before the last complete month to replay the forecast.</p>",
    ),
    section(
      "daily",
      `Daily cost, last ${d.daily.dates.length} days, by provider and service`,
      d.daily.byCurrency.length
        ? `${several(d.daily.byCurrency.length) ? `<p class="note">One chart per billing currency: amounts in different currencies are never added.</p>` : ""}${d.daily.byCurrency
            .map(
              (c) =>
                `${several(d.daily.byCurrency.length) ? `<h3>In ${esc(c.currency)}</h3>` : ""}${chart(chartId("chart-daily", c.currency), `Stacked bar chart of daily cost in ${c.currency} by provider and service, with anomalies marked`)}`,
            )
            .join("")}`
        : `<p>No cost in the last ${d.daily.dates.length} days.</p>`,
    ),
    section(
      "anomalies",
      "Anomalies",
      d.anomalies.length
        ? `<table><caption class="sr">Anomalies, newest first</caption><thead><tr><th scope="col">Window</th><th scope="col">Where</th><th scope="col">Direction</th><th scope="col">Impact</th><th scope="col">Root causes</th><th scope="col">Severity</th><th scope="col">Status</th></tr></thead><tbody>${anomalyRows}</tbody></table>`
        : "<p>No anomaly found.</p>",
    ),
    section(
      "allocation",
      `Allocation by tag “${d.allocation.tagKey}”, month to date`,
      d.allocation.byCurrency.length
        ? d.allocation.byCurrency
            .map(
              (c) =>
                `${several(d.allocation.byCurrency.length) ? `<h3>In ${esc(c.currency)}</h3>` : ""}${chart(chartId("chart-allocation", c.currency), `Pie chart of month-to-date cost in ${c.currency} by the tag ${d.allocation.tagKey}, untagged spend included`)}<p>Untagged: ${esc(untaggedLine(c))}.</p>`,
            )
            .join("")
        : "<p>No cost this month.</p>",
    ),
    ...(d.recommendations.open
      ? [section("recommendations", "Open recommendations", recommendationsBody(d.recommendations, d.locale))]
      : []),
    ...(d.llmUsage.length
      ? [section("llm", "LLM spend", `<pre>${esc(JSON.stringify(d.llmUsage.slice(0, 50), null, 2))}</pre>`)]
      : []),
  ].join("\n");

  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Cost report: ${esc(d.tenantName)}</title>
<style>
body{font-family:system-ui,sans-serif;margin:0 auto;max-width:1100px;padding:1rem;color:#1a1a1a;background:#fff}
h1{font-size:1.5rem}h2{font-size:1.2rem;margin-top:2rem}
.chart{width:100%;height:380px}
table{border-collapse:collapse;width:100%}th,td{border-bottom:1px solid #ccc;padding:.3rem .5rem;text-align:left;vertical-align:top}
td.num{text-align:right;white-space:nowrap}td.wrap{word-break:break-all}ul{margin:0;padding-left:1rem}.note{color:#444;font-size:.9rem}
.sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}
</style>
</head>
<body>
<header><h1>Cost report: ${esc(d.tenantName)}</h1><p>Data through ${esc(d.asOf ?? "—")}; amounts in ${esc(d.currency)} unless a chart or row names another currency.</p></header>
<main>
${sections}
</main>
<script>${echartsScript()}</script>
<script type="application/json" id="report-data">${jsonInScript(chartData)}</script>
<script>${PAGE_SCRIPT}</script>
</body>
</html>
`;
}

/** The replayed forecast's error for one month, as a short table (no chart: three numbers). */
/** Savings are in each recommendation's own currency: summed per currency, never across. */
function recommendationsBody(r: ReportData["recommendations"], locale: string): string {
  const rows = r.top
    .map(
      (x) =>
        `<tr><td>${esc(x.provider)}</td><td>${esc(`${x.category} · ${x.action}`)}</td><td class="wrap">${esc(x.resource)}</td><td class="num">${esc(formatExactMoney(x.savings, x.currency, locale))}</td><td>${esc(x.effort)}</td><td>${esc(x.risk)}</td><td class="num">${esc(String(x.score))}</td><td>${esc(x.state)}</td></tr>`,
    )
    .join("");
  const totals = r.monthlySavings.map((s) => esc(formatExactMoney(s.amount, s.currency, locale))).join(", ");
  const shown = r.top.length < r.open ? ` The ${r.top.length} with the highest score are listed.` : "";
  return `<p>${r.open} open, estimated by the providers to save ${totals} a month.${shown}</p><table><caption class="sr">Open recommendations, highest score first</caption><thead><tr><th scope="col">Provider</th><th scope="col">Kind</th><th scope="col">Resource</th><th scope="col">Savings a month</th><th scope="col">Effort</th><th scope="col">Risk</th><th scope="col">Score</th><th scope="col">State</th></tr></thead><tbody>${rows}</tbody></table>`;
}

function backtestBody(b: ReportBacktest, money: (v: string) => string, locale: string): string {
  const pct = new Intl.NumberFormat(locale, { style: "percent", maximumFractionDigits: 1 });
  const rows: [string, string][] = [
    ["Month", b.month],
    ["Actual", money(b.actual)],
    ["Forecast error (absolute)", money(b.absError)],
    ["Forecast error (share of actual)", pct.format(b.errorShare)],
    ["Days inside the 80% band", `${b.inside80} of ${b.days}`],
    ["Days inside the 95% band", `${b.inside95} of ${b.days}`],
  ];
  return `<table id="${chartId("backtest-table", b.currency)}"><caption class="sr">Forecast made on the eve of ${esc(b.month)} against what was billed in ${esc(b.currency)}</caption><tbody>${rows
    .map(([k, v]) => `<tr><th scope="row">${esc(k)}</th><td class="num">${esc(v)}</td></tr>`)
    .join("")}</tbody></table>`;
}

/** Runs in the page: builds the ECharts options from the embedded data. */
const PAGE_SCRIPT = `
(function(){
var D=JSON.parse(document.getElementById("report-data").textContent);
// Tooltips are HTML: every data string goes through h() (service and budget names are data).
function h(s){return String(s).replace(/[&<>"']/g,function(c){return "&#"+c.charCodeAt(0)+";";});}
function init(id){var el=document.getElementById(id);return el?echarts.init(el,null,{renderer:"canvas"}):null;}
var base={aria:{enabled:true},animation:false,tooltip:{confine:true},legend:{type:"scroll",top:0},grid:{top:40,left:70,right:20,bottom:40}};
function merge(a,b){var o={};for(var k in a)o[k]=a[k];for(var k2 in b)o[k2]=b[k2];return o;}
var charts=[];
D.budgets.forEach(function(c){var b=init(c.id);if(!b)return;charts.push(b);var B=c.items;
var money=new Intl.NumberFormat(D.locale,{style:"currency",currency:c.currency,notation:"compact"});
var names=B.map(function(x){return x.name+" ("+x.periodKey+")";});
b.setOption(merge(base,{tooltip:{trigger:"axis",formatter:function(p){var x=B[p[0].dataIndex];return h(x.name)+"<br>spent: "+h(x.fmt.actual)+"<br>projected: "+h(x.fmt.projected)+"<br>budget: "+h(x.fmt.amount)+"<br>state: "+h(x.state);}},
xAxis:{type:"category",data:names,axisLabel:{interval:0}},yAxis:{type:"value",axisLabel:{formatter:function(v){return money.format(v);}}},
series:[{name:"spent to date",type:"bar",data:B.map(function(x){return Number(x.actual);})},
{name:"projected",type:"bar",data:B.map(function(x){return Number(x.projected);})},
{name:"budget",type:"bar",data:B.map(function(x){return Number(x.amount);})}]}));});
D.forecasts.forEach(function(c){var f=init(c.id);if(!f)return;charts.push(f);var F=c.items;
var money=new Intl.NumberFormat(D.locale,{style:"currency",currency:c.currency,notation:"compact"});
f.setOption(merge(base,{tooltip:{trigger:"axis",formatter:function(p){var x=F[p[0].dataIndex];return h(x.label)+"<br>to date: "+h(x.fmt.actualToDate)+"<br>month end: "+h(x.fmt.projected)+"<br>80%: "+h(x.fmt.band80)+"<br>95%: "+h(x.fmt.band95);}},
xAxis:{type:"category",data:F.map(function(x){return x.label;}),axisLabel:{interval:0,rotate:15}},yAxis:{type:"value",axisLabel:{formatter:function(v){return money.format(v);}}},
series:[{name:"month to date",type:"bar",data:F.map(function(x){return Number(x.actualToDate);})},
{name:"month-end forecast (box 80%, whiskers 95%)",type:"boxplot",data:F.map(function(x){return [Number(x.lower95),Number(x.lower80),Number(x.projected),Number(x.upper80),Number(x.upper95)];})}]}));});

D.daily.forEach(function(c){var dc=init(c.id);if(!dc)return;charts.push(dc);
var money=new Intl.NumberFormat(D.locale,{style:"currency",currency:c.currency,notation:"compact"});
var idx={};c.dates.forEach(function(d,i){idx[d]=i;});
var series=c.series.map(function(s){return {name:s.provider+" · "+s.service,type:"bar",stack:"cost",data:s.values.map(Number),
tooltip:{valueFormatter:function(v){return money.format(v);}}};});
series.push({name:"anomalies",type:"scatter",symbol:"triangle",symbolSize:14,itemStyle:{color:"#b00020"},z:10,
data:c.markers.map(function(m){return {value:[m.date,Number(c.totals[idx[m.date]])],marker:m};}),
tooltip:{trigger:"item",formatter:function(p){var m=p.data.marker;return "anomaly "+h(m.window)+"<br>"+h(m.where)+"<br>"+h(m.direction)+", impact "+h(m.impact)+(m.rootCauses.length?"<br>root causes:<br>"+m.rootCauses.map(h).join("<br>"):"");}}});
dc.setOption(merge(base,{tooltip:{trigger:"item"},legend:{type:"scroll",top:0},xAxis:{type:"category",data:c.dates},
yAxis:{type:"value",axisLabel:{formatter:function(v){return money.format(v);}}},dataZoom:[{type:"inside"}],series:series}));});
D.allocation.forEach(function(c){var al=init(c.id);if(!al)return;charts.push(al);
al.setOption(merge(base,{tooltip:{trigger:"item",formatter:function(p){return h(p.name)+": "+h(p.data.fmt)+" ("+p.percent+"%)";}},
series:[{name:"allocation",type:"pie",radius:"65%",data:c.slices}]}));});
window.addEventListener("resize",function(){charts.forEach(function(c){if(c)c.resize();});});
if(window.performance&&performance.mark)performance.mark("charts-ready");
document.documentElement.setAttribute("data-charts-ready","true");
})();
`;
