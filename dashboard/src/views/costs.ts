import { html } from "htm/preact";
import { useState } from "preact/hooks";
import { formatMoney, formatTotals } from "../format.js";
import { toSeries } from "../series.js";
import { addDays, useSession } from "../session.js";
import type { CostSummary } from "../types.js";
import { useLoad } from "../use-load.js";
import { CostChart } from "./cost-chart.js";
import { loadStatus } from "./status.js";

/** "tag" groups by the key typed beside it; rows without that tag are shown as "(none)". */
const DIMENSIONS = ["provider", "account", "service", "region", "tag"] as const;

interface Query {
  start: string;
  end: string;
  groupBy: (typeof DIMENSIONS)[number];
  tagKey: string;
  granularity: "daily" | "monthly";
}

/** Cost explorer: any range (up to the callable's 400 days), grouped by one dimension. */
export function Costs(props: { account?: string }) {
  const { api, asOf } = useSession();
  const initial: Query = { start: addDays(asOf, -29), end: asOf, groupBy: props.account ? "service" : "provider", tagKey: "team", granularity: "daily" };
  const [draft, setDraft] = useState<Query>(initial);
  const [query, setQuery] = useState<Query>(initial);
  // The answer keeps the query it answers: until the next one is in, the page shows the last
  // answer under its own grouping and range, never under the new query's.
  const [load] = useLoad(
    () =>
      api
        .call<CostSummary>("getCostSummary", {
          start: query.start,
          end: query.end,
          groupBy: [query.groupBy],
          ...(query.groupBy === "tag" ? { tagKey: query.tagKey } : {}),
          granularity: query.granularity,
          ...(props.account ? { filter: { account: [props.account] } } : {}),
        })
        .then((summary) => ({ summary, asked: query })),
    [query, props.account],
  );
  const set = (k: keyof Query) => (e: Event) => setDraft({ ...draft, [k]: (e.target as HTMLInputElement).value });
  const shown = load.state === "ready" ? load.data : null;
  const series = shown ? toSeries(shown.summary, [shown.asked.groupBy]) : null;
  const by = shown?.asked.groupBy === "tag" ? `tag ${shown.asked.tagKey}` : (shown?.asked.groupBy ?? "");
  return html`
    <h1>${props.account ? `Costs of account ${props.account}` : "Cost explorer"}</h1>
    <form class="filters" onSubmit=${(e: Event) => {
      e.preventDefault();
      setQuery(draft);
    }}>
      <label for="costs-start">From</label><input id="costs-start" type="date" required value=${draft.start} onInput=${set("start")} />
      <label for="costs-end">To</label><input id="costs-end" type="date" required value=${draft.end} onInput=${set("end")} />
      <label for="costs-group">Group by</label>
      <select id="costs-group" value=${draft.groupBy} onChange=${set("groupBy")}>${DIMENSIONS.map((d) => html`<option value=${d}>${d}</option>`)}</select>
      ${draft.groupBy === "tag"
        ? html`<label for="costs-tag">Tag key</label><input id="costs-tag" required maxlength="128" pattern="[A-Za-z0-9_.:/-]+" value=${draft.tagKey} onInput=${set("tagKey")} />`
        : null}
      <label for="costs-granularity">Granularity</label>
      <select id="costs-granularity" value=${draft.granularity} onChange=${set("granularity")}><option value="daily">daily</option><option value="monthly">monthly</option></select>
      <button type="submit">Show</button>
    </form>
    ${loadStatus(load, "costs")}
    ${shown && series
      ? html`
          <p>Total ${shown.asked.start} to ${shown.asked.end}: <strong>${formatTotals(shown.summary.totals)}</strong></p>
          <${CostChart} id="chart-costs" label=${`Cost by ${by}`} series=${series} />
          <table id="costs-table">
            <caption>Cost by ${by}</caption>
            <thead><tr><th scope="col">${by}</th><th scope="col">Billed cost</th></tr></thead>
            <tbody>${series.groups.map((g) => html`<tr><th scope="row">${g.name}</th><td class="num">${formatMoney(g.total, g.currency)}</td></tr>`)}</tbody>
          </table>`
      : null}`;
}
