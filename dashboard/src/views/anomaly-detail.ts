import { html } from "htm/preact";
import { onLinkClick } from "../router.js";
import { useSession } from "../session.js";
import type { Anomaly, Page } from "../types.js";
import { useLoad } from "../use-load.js";
import { AnomalyActions } from "./anomaly-actions.js";
import { anomalyMoney, where } from "./anomalies.js";
import { loadStatus } from "./status.js";

type Row = Anomaly & { id: string };
/** There is no single-anomaly callable: the link's anomaly is found by paging listAnomalies. */
const MAX_PAGES = 10;

async function findAnomaly(call: <T>(name: string, data?: unknown) => Promise<T>, id: string): Promise<Row | null> {
  let cursor: string | null = null;
  for (let i = 0; i < MAX_PAGES; i++) {
    const page: Page<Anomaly> = await call<Page<Anomaly>>("listAnomalies", { limit: 200, ...(cursor ? { cursor } : {}) });
    const hit = page.items.find((a) => a.id === id);
    if (hit) return hit;
    cursor = page.next;
    if (!cursor) return null;
  }
  return null;
}

/** What an alert link opens: one anomaly, with its figures, root causes and triage. */
export function AnomalyDetail(props: { tenantId: string; id: string }) {
  const session = useSession();
  const ownTenant = props.tenantId === session.tenantId;
  const [load, setData] = useLoad(() => (ownTenant ? findAnomaly(session.api.call, props.id) : Promise.resolve(null)), [props.id, ownTenant]);
  if (!ownTenant) {
    return html`<h1>Anomaly</h1><p class="error" role="alert" id="other-tenant">This link belongs to another tenant than the one you are signed in to (${session.tenantId}).</p>`;
  }
  const status = loadStatus(load, "the anomaly");
  if (status) return html`<h1>Anomaly</h1>${status}`;
  const a = load.state === "ready" ? load.data : null;
  if (!a) return html`<h1>Anomaly</h1><p class="error" role="alert" id="anomaly-not-found">No anomaly ${props.id} in tenant ${session.tenantId}.</p>`;
  return html`
    <h1>Anomaly ${a.start} – ${a.end}</h1>
    <p><a href="/anomalies" onClick=${onLinkClick}>All anomalies</a></p>
    <dl class="detail" id="anomaly-detail" data-anomaly-id=${a.id}>
      <dt>Where</dt><dd>${where(a)}</dd>
      <dt>View</dt><dd data-field="view">${a.view === "kubernetes-allocation" ? "Kubernetes allocation (the cloud bill's node money by workload, not added to the bill)" : "billed"}</dd>
      <dt>Direction</dt><dd>${a.direction}</dd>
      <dt>Expected</dt><dd>${anomalyMoney(a, a.expected ?? a.expectedUsd)}</dd>
      <dt>Actual</dt><dd>${anomalyMoney(a, a.actual ?? a.actualUsd)}</dd>
      <dt>Impact</dt><dd data-field="impact">${anomalyMoney(a, a.impact ?? a.impactUsd)}</dd>
      <dt>Severity</dt><dd>${a.severity}</dd>
      <dt>Status</dt><dd data-field="status">${a.status}</dd>
      <dt>Feedback</dt><dd>${a.feedback ?? "none"}</dd>
      <dt>Root causes</dt><dd>${
        a.rootCauses?.length
          ? html`<ul>${a.rootCauses.map((c) => html`<li>${c.dimension} ${c.value}: ${anomalyMoney(a, c.contribution ?? c.contributionUsd)}</li>`)}</ul>`
          : "none found"
      }</dd>
    </dl>
    <${AnomalyActions} anomaly=${a} onChange=${(x: Row) => setData(x)} />`;
}
