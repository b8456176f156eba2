import { html } from "htm/preact";
import { useState } from "preact/hooks";
import { formatMoney } from "../format.js";
import { onLinkClick } from "../router.js";
import { useSession } from "../session.js";
import type { Anomaly, Page } from "../types.js";
import { useLoad } from "../use-load.js";
import { AnomalyActions } from "./anomaly-actions.js";
import { loadStatus } from "./status.js";

type Row = Anomaly & { id: string };
const STATUSES = ["open", "acknowledged", "resolved"] as const;

/** An amount of the anomaly in its own currency (USD for documents that predate the field). */
export const anomalyMoney = (a: Anomaly, amount: string | undefined): string => (amount ? formatMoney(amount, a.currency ?? "USD") : "—");

export const where = (a: Anomaly): string => [a.where?.provider, a.where?.accountId, a.where?.service].filter(Boolean).join(" · ") || "all costs";

/** The tenant's anomalies, newest first, filtered by status, with triage on each row. */
export function Anomalies() {
  const { api, tenantId } = useSession();
  const [status, setStatus] = useState<string>("");
  const [load, setData] = useLoad(
    () => api.call<Page<Anomaly>>("listAnomalies", { limit: 200, ...(status ? { status } : {}) }),
    [status],
  );
  const rows = load.state === "ready" ? [...load.data.items].sort((x, y) => (x.end < y.end ? 1 : x.end > y.end ? -1 : 0)) : [];
  const replace = (a: Row) => {
    if (load.state === "ready") setData({ ...load.data, items: load.data.items.map((r) => (r.id === a.id ? a : r)) });
  };
  return html`
    <h1>Anomalies</h1>
    <form class="filters" onSubmit=${(e: Event) => e.preventDefault()}>
      <label for="status-filter">Status</label>
      <select id="status-filter" value=${status} onChange=${(e: Event) => setStatus((e.target as HTMLSelectElement).value)}>
        <option value="">all</option>
        ${STATUSES.map((s) => html`<option value=${s}>${s}</option>`)}
      </select>
    </form>
    ${loadStatus(load, "anomalies")}
    ${load.state === "ready" && rows.length === 0 ? html`<p id="no-anomalies">No anomalies${status ? ` with status ${status}` : ""}.</p>` : null}
    ${rows.length > 0
      ? html`<table id="anomalies-table">
          <caption>${rows.length} anomalies${load.state === "ready" && load.data.next ? " (the first 200)" : ""}</caption>
          <thead><tr><th scope="col">Window</th><th scope="col">Where</th><th scope="col">Direction</th><th scope="col">Impact</th><th scope="col">Severity</th><th scope="col">Status</th><th scope="col">Triage</th></tr></thead>
          <tbody>
            ${rows.map(
              (a) => html`<tr data-anomaly-id=${a.id}>
                <td><a href=${`/tenants/${tenantId}/anomalies/${a.id}`} onClick=${onLinkClick}>${a.start} – ${a.end}</a></td>
                <td>${where(a)}</td>
                <td>${a.direction}</td>
                <td class="num">${anomalyMoney(a, a.impact ?? a.impactUsd)}</td>
                <td>${a.severity}</td>
                <td data-field="status">${a.status}${a.feedback ? ` (${a.feedback})` : ""}</td>
                <td><${AnomalyActions} anomaly=${a} onChange=${replace} /></td>
              </tr>`,
            )}
          </tbody>
        </table>`
      : null}`;
}
