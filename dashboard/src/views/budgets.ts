import { html } from "htm/preact";
import { useState } from "preact/hooks";
import { formatMoney, formatPercent } from "../format.js";
import { useSession } from "../session.js";
import type { Budget, Page } from "../types.js";
import { useLoad } from "../use-load.js";
import { BudgetForm } from "./budget-form.js";
import { loadStatus } from "./status.js";

type Row = Budget & { id: string };

/** Budgets with the nightly's latest evaluation of each; `highlight` is the alert link's budget. */
export function Budgets(props: { highlight?: string }) {
  const { api } = useSession();
  const [load, setData] = useLoad(() => api.call<Page<Budget>>("listBudgets", { limit: 200 }), []);
  const [editing, setEditing] = useState<Row | "new" | null>(null);
  const saved = (b: Row) => {
    if (load.state === "ready") {
      const items = load.data.items.some((r) => r.id === b.id) ? load.data.items.map((r) => (r.id === b.id ? { ...r, ...b } : r)) : [...load.data.items, b];
      setData({ ...load.data, items });
    }
    setEditing(null);
  };
  const rows = load.state === "ready" ? load.data.items : [];
  return html`
    <h1>Budgets</h1>
    ${loadStatus(load, "budgets")}
    ${load.state === "ready" && rows.length === 0 ? html`<p>No budgets yet.</p>` : null}
    ${rows.length > 0
      ? html`<table id="budgets-table">
          <caption>Spend against each budget, as of the last nightly run</caption>
          <thead><tr><th scope="col">Budget</th><th scope="col">Period</th><th scope="col">Scope</th><th scope="col">Amount</th><th scope="col">Spent</th><th scope="col">Projected</th><th scope="col">State</th><th scope="col"><span class="visually-hidden">Edit</span></th></tr></thead>
          <tbody>
            ${rows.map(
              (b) => html`<tr data-budget-id=${b.id} class=${props.highlight === b.id ? "highlight" : ""} aria-current=${props.highlight === b.id ? "true" : undefined}>
                <th scope="row">${b.name}</th>
                <td>${b.status?.periodKey ?? b.period}</td>
                <td>${b.scope?.provider?.join(", ") || "all costs"}</td>
                <td class="num">${formatMoney(b.amount, b.currency)}</td>
                <td class="num">${formatMoney(b.status?.actual, b.currency)} <span class="muted">(${formatPercent(b.status?.actualPercent)})</span></td>
                <td class="num">${formatMoney(b.status?.projected, b.currency)} <span class="muted">(${formatPercent(b.status?.projectedPercent)})</span></td>
                <td>${b.status?.state?.replace(/_/g, " ") ?? "not evaluated yet"}</td>
                <td><button type="button" class="secondary" aria-label=${`Edit budget ${b.name}`} onClick=${() => setEditing(b)}>Edit</button></td>
              </tr>`,
            )}
          </tbody>
        </table>`
      : null}
    ${editing === null
      ? html`<p><button type="button" onClick=${() => setEditing("new")}>New budget</button></p>`
      : html`<${BudgetForm} key=${editing === "new" ? "new" : editing.id} editing=${editing === "new" ? null : editing} onSaved=${saved} onCancel=${() => setEditing(null)} />`}`;
}
