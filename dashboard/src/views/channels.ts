import { html } from "htm/preact";
import { useState } from "preact/hooks";
import { describeError } from "../api.js";
import { useSession } from "../session.js";

const KINDS = ["console", "slack", "pagerduty"] as const;

interface Saved {
  id: string;
  kind: string;
  name?: string;
  enabled: boolean;
}

/**
 * Alert channels: create or replace one (upsertAlertChannel: the Slack webhook URL or PagerDuty
 * routing key goes to the secret store, never back to the page) and send a test message through
 * the channel's real adapter (testAlertChannel). No callable lists a tenant's channels, so a
 * channel is named by its id. Both callables need a manager who signed in with a second factor.
 */
export function Channels() {
  const { api, trustLevel } = useSession();
  const [form, setForm] = useState({ id: "", kind: "console" as string, name: "", secret: "", enabled: true });
  const [saved, setSaved] = useState<Saved | null>(null);
  const [testId, setTestId] = useState("");
  const [result, setResult] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const set = (k: keyof typeof form) => (e: Event) => setForm({ ...form, [k]: (e.target as HTMLInputElement).value });
  async function run(action: () => Promise<void>) {
    setBusy(true);
    setError(null);
    setResult(null);
    try {
      await action();
    } catch (err) {
      setError(describeError(err));
    } finally {
      setBusy(false);
    }
  }
  const save = (e: Event) => {
    e.preventDefault();
    void run(async () => {
      const input = { id: form.id, kind: form.kind, enabled: form.enabled, ...(form.name ? { name: form.name } : {}), ...(form.secret ? { secret: form.secret } : {}) };
      setSaved(await api.call<Saved>("upsertAlertChannel", input));
      setForm({ ...form, secret: "" });
      setTestId(form.id);
    });
  };
  const test = (e: Event) => {
    e.preventDefault();
    void run(async () => {
      const r = await api.call<{ id: string; ok: boolean; status?: number; reason?: string }>("testAlertChannel", { id: testId });
      setResult(r.ok ? `Test message sent to channel ${r.id}${r.status ? ` (HTTP ${r.status})` : ""}.` : `Channel ${r.id} did not take the test message${r.reason ? `: ${r.reason}` : ""}.`);
    });
  };
  return html`
    <h1>Alert channels</h1>
    ${trustLevel < 3 ? html`<p class="muted">Changing or testing a channel needs a manager who signed in with a second factor.</p>` : null}
    <form class="budget-form" onSubmit=${save} aria-labelledby="channel-form-h">
      <h2 id="channel-form-h">Create or replace a channel</h2>
      <label for="channel-id">Id</label>
      <input id="channel-id" required pattern="[A-Za-z0-9_\\-]{1,64}" value=${form.id} onInput=${set("id")} />
      <label for="channel-kind">Kind</label>
      <select id="channel-kind" value=${form.kind} onChange=${set("kind")}>${KINDS.map((k) => html`<option value=${k}>${k}</option>`)}</select>
      <label for="channel-name">Name</label>
      <input id="channel-name" maxLength=${200} value=${form.name} onInput=${set("name")} />
      ${form.kind !== "console"
        ? html`<label for="channel-secret">${form.kind === "slack" ? "Webhook URL" : "Routing key"} (empty keeps the stored one)</label>
            <input id="channel-secret" type="password" autocomplete="off" value=${form.secret} onInput=${set("secret")} />`
        : null}
      <label><input type="checkbox" checked=${form.enabled} onChange=${(e: Event) => setForm({ ...form, enabled: (e.target as HTMLInputElement).checked })} /> Enabled</label>
      <div class="actions"><button type="submit" disabled=${busy}>Save channel</button></div>
    </form>
    ${saved ? html`<p id="channel-saved" role="status">Saved ${saved.kind} channel ${saved.id}${saved.enabled ? "" : " (disabled)"}.</p>` : null}
    <form class="filters" onSubmit=${test} aria-labelledby="channel-test-h">
      <h2 id="channel-test-h">Send a test message</h2>
      <label for="channel-test-id">Channel id</label>
      <input id="channel-test-id" required value=${testId} onInput=${(e: Event) => setTestId((e.target as HTMLInputElement).value)} />
      <button type="submit" disabled=${busy}>Send test</button>
    </form>
    ${result ? html`<p id="channel-test-result" role="status">${result}</p>` : null}
    ${error ? html`<p class="error" role="alert" id="channel-error">${error}</p>` : null}`;
}
