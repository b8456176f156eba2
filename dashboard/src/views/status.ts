import { html } from "htm/preact";
import type { Load } from "../use-load.js";

/** What a view shows while its data loads or when a callable failed; null once the data is there. */
export function loadStatus(load: Load<unknown>, what: string) {
  if (load.state === "loading") return html`<p class="muted" role="status">Loading ${what}…</p>`;
  if (load.state === "error") return html`<p class="error" role="alert">Could not load ${what}: ${load.message}</p>`;
  return null;
}
