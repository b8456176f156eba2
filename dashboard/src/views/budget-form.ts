import { html } from "htm/preact";
import { useState } from "preact/hooks";
import { describeError } from "../api.js";
import { useSession } from "../session.js";
import type { Budget } from "../types.js";

type Row = Budget & { id: string };
const PERIODS = ["monthly", "quarterly", "annual"] as const;

/**
 * Create or edit a budget through upsertBudget. The server allows it to managers (trust 3) who
 * signed in with a second factor; anyone else gets the server's refusal, shown as such.
 */
export function BudgetForm(props: { editing: Row | null; onSaved: (b: Row) => void; onCancel: () => void }) {
  const { api } = useSession();
  const b = props.editing;
  const [id, setId] = useState(b?.id ?? "");
  const [name, setName] = useState(b?.name ?? "");
  const [amount, setAmount] = useState(b?.amount ?? "");
  // A budget counts spend in its own currency only; the server refuses a code it does not know.
  const [currency, setCurrency] = useState(b?.currency ?? "USD");
  const [period, setPeriod] = useState<string>(b?.period ?? "monthly");
  const [providers, setProviders] = useState((b?.scope?.provider ?? []).join(", "));
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const value = (set: (v: string) => void) => (e: Event) => set((e.target as HTMLInputElement).value);
  async function submit(e: Event) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    const provider = providers.split(",").map((p) => p.trim()).filter(Boolean);
    try {
      const saved = await api.call<Budget>("upsertBudget", { id, name, amount, currency, period, scope: provider.length ? { provider } : {} });
      props.onSaved({ ...saved, id });
    } catch (err) {
      setError(describeError(err));
    } finally {
      setBusy(false);
    }
  }
  return html`
    <form class="budget-form" onSubmit=${submit} aria-labelledby="budget-form-h">
      <h2 id="budget-form-h">${b ? `Edit budget ${b.name}` : "New budget"}</h2>
      <label for="budget-id">Id</label>
      <input id="budget-id" required pattern="[A-Za-z0-9_\\-]{1,64}" value=${id} readOnly=${b !== null} onInput=${value(setId)} />
      <label for="budget-name">Name</label>
      <input id="budget-name" required maxLength=${200} value=${name} onInput=${value(setName)} />
      <label for="budget-currency">Currency (ISO 4217)</label>
      <input id="budget-currency" required pattern="[A-Z]{3}" maxLength=${3} autocapitalize="characters" value=${currency} onInput=${(e: Event) => setCurrency((e.target as HTMLInputElement).value.toUpperCase())} />
      <label for="budget-amount">Amount (${currency})</label>
      <input id="budget-amount" required inputMode="decimal" pattern="\\d{1,15}(\\.\\d{1,6})?" value=${amount} onInput=${value(setAmount)} />
      <label for="budget-period">Period</label>
      <select id="budget-period" value=${period} onChange=${value(setPeriod)}>${PERIODS.map((p) => html`<option value=${p}>${p}</option>`)}</select>
      <label for="budget-providers">Providers (comma-separated, empty for all)</label>
      <input id="budget-providers" value=${providers} onInput=${value(setProviders)} />
      <div class="actions">
        <button type="submit" disabled=${busy}>Save</button>
        <button type="button" class="secondary" onClick=${props.onCancel}>Cancel</button>
      </div>
      ${error ? html`<p class="error" role="alert" id="budget-error">${error}</p>` : null}
    </form>`;
}
