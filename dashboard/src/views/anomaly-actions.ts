import { html } from "htm/preact";
import { useState } from "preact/hooks";
import { describeError } from "../api.js";
import { useSession } from "../session.js";
import type { Anomaly } from "../types.js";

type Row = Anomaly & { id: string };

/** The operator's triage: acknowledge, resolve and feedback, each one call to updateAnomaly. */
export function AnomalyActions(props: { anomaly: Row; onChange: (a: Row) => void }) {
  const { api, trustLevel } = useSession();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const a = props.anomaly;
  const label = `${a.where?.service ?? a.id}, ${a.start} to ${a.end}`;
  async function update(change: Record<string, unknown>) {
    setBusy(true);
    setError(null);
    try {
      props.onChange(await api.call<Row>("updateAnomaly", { id: a.id, ...change }));
    } catch (err) {
      setError(describeError(err));
    } finally {
      setBusy(false);
    }
  }
  // Viewers (trust 1) cannot triage: the server would refuse, so the controls are not offered.
  if (trustLevel < 2) return html`<span class="muted">read only</span>`;
  return html`
    <div class="actions">
      ${a.status === "open" ? html`<button type="button" disabled=${busy} aria-label=${`Acknowledge ${label}`} data-action="acknowledge" onClick=${() => update({ acknowledge: true })}>Acknowledge</button>` : null}
      ${a.status !== "resolved" ? html`<button type="button" class="secondary" disabled=${busy} aria-label=${`Resolve ${label}`} data-action="resolve" onClick=${() => update({ resolve: true })}>Resolve</button>` : null}
      <label class="feedback">
        <span class="visually-hidden">Feedback on ${label}</span>
        <select disabled=${busy} value=${a.feedback ?? ""} onChange=${(e: Event) => {
          const v = (e.target as HTMLSelectElement).value;
          void update({ feedback: v === "" ? null : v });
        }}>
          <option value="">no feedback</option>
          <option value="expected">expected</option>
          <option value="unexpected">unexpected</option>
          <option value="planned">planned</option>
        </select>
      </label>
      ${error ? html`<p class="error" role="alert">${error}</p>` : null}
    </div>`;
}
