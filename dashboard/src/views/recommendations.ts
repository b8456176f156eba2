import { html } from "htm/preact";
import { formatMoney } from "../format.js";
import { useSession } from "../session.js";
import { useLoad } from "../use-load.js";
import { loadStatus } from "./status.js";

interface Recommendation {
  id: string;
  provider: string;
  accountId: string;
  resource: string;
  category: string;
  action: string;
  description: string;
  monthlySavings: { amount: string; currency: string };
  effort: string;
  risk: string;
  state: string;
}

/** The tenant's recommendations, highest score first, as the recommendation sync stored them (read only here). */
export function Recommendations() {
  const { api } = useSession();
  const [load] = useLoad(() => api.call<{ items: Recommendation[]; total: number }>("listRecommendations", { limit: 200 }), []);
  const items = load.state === "ready" ? load.data.items : [];
  return html`
    <h1>Recommendations</h1>
    ${loadStatus(load, "recommendations")}
    ${load.state === "ready" && items.length === 0 ? html`<p id="no-recommendations">No recommendations yet: the recommendation sync has stored none for this tenant.</p>` : null}
    ${items.length > 0
      ? html`<table id="recommendations-table">
          <caption>${load.state === "ready" ? `${items.length} of ${load.data.total} recommendations` : ""}</caption>
          <thead><tr><th scope="col">Recommendation</th><th scope="col">Where</th><th scope="col">Category</th><th scope="col">Monthly savings</th><th scope="col">Effort</th><th scope="col">Risk</th><th scope="col">State</th></tr></thead>
          <tbody>
            ${items.map(
              (r) => html`<tr data-recommendation-id=${r.id}>
                <th scope="row">${r.description || r.action}</th>
                <td>${r.provider} · ${r.accountId} · ${r.resource}</td>
                <td>${r.category}</td>
                <td class="num">${formatMoney(r.monthlySavings.amount, r.monthlySavings.currency)}</td>
                <td>${r.effort}</td>
                <td>${r.risk}</td>
                <td>${r.state}</td>
              </tr>`,
            )}
          </tbody>
        </table>`
      : null}`;
}
