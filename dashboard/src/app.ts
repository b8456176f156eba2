import { onAuthStateChanged, signOut, type User } from "firebase/auth";
import { html } from "htm/preact";
import { useEffect, useRef, useState } from "preact/hooks";
import type { ComponentChildren } from "preact";
import type { Api } from "./api.js";
import type { PageConfig } from "./config.js";
import { onLinkClick, type Route, useRoute } from "./router.js";
import { type Session, SessionContext, useSession } from "./session.js";
import { setFormatLocale } from "./format.js";
import type { Forecast } from "./types.js";
import { AnomalyDetail } from "./views/anomaly-detail.js";
import { Anomalies } from "./views/anomalies.js";
import { Budgets } from "./views/budgets.js";
import { Channels } from "./views/channels.js";
import { Costs } from "./views/costs.js";
import { Forecasts } from "./views/forecasts.js";
import { LlmUsageView } from "./views/llm-usage.js";
import { Overview } from "./views/overview.js";
import { Recommendations } from "./views/recommendations.js";
import { SignIn } from "./views/sign-in.js";

const NAV = [
  ["/", "Overview", "overview"],
  ["/costs", "Costs", "costs"],
  ["/anomalies", "Anomalies", "anomalies"],
  ["/budgets", "Budgets", "budgets"],
  ["/forecasts", "Forecasts", "forecasts"],
  ["/recommendations", "Recommendations", "recommendations"],
  ["/llm", "LLM usage", "llm"],
  ["/channels", "Alert channels", "channels"],
] as const;

async function startSession(api: Api, user: User): Promise<Session> {
  const { claims } = await user.getIdTokenResult();
  // The last analyzed day anchors the default ranges: the demo ledger ends before today.
  const [asOf, display] = await Promise.all([
    api
      .call<Forecast>("getForecast", { seriesKey: "total" })
      .then((f) => f.asOf)
      .catch(() => new Date().toISOString().slice(0, 10)),
    // Numbers are written the tenant's way; without an answer, en-US.
    api.call<{ tenant?: { locale?: string } }>("getSession", {}).then((s) => s.tenant?.locale).catch(() => undefined),
  ]);
  if (display) setFormatLocale(display);
  return {
    api,
    email: user.email ?? user.uid,
    tenantId: typeof claims.tenantId === "string" ? claims.tenantId : "",
    trustLevel: typeof claims.trustLevel === "number" ? claims.trustLevel : 0,
    asOf,
  };
}

function View(props: { route: Route }) {
  const r = props.route;
  switch (r.view) {
    case "overview":
      return html`<${Overview} />`;
    case "costs":
      return html`<${Costs} />`;
    case "anomalies":
      return html`<${Anomalies} />`;
    case "budgets":
      return html`<${Budgets} />`;
    case "forecasts":
      return html`<${Forecasts} />`;
    case "channels":
      return html`<${Channels} />`;
    case "recommendations":
      return html`<${Recommendations} />`;
    case "llm":
      return html`<${LlmUsageView} />`;
    case "anomaly":
      return html`<${AnomalyDetail} tenantId=${r.tenantId} id=${r.id} />`;
    case "budget":
      return html`<${TenantGate} tenantId=${r.tenantId}><${Budgets} highlight=${r.id} /></${TenantGate}>`;
    case "account":
      return html`<${TenantGate} tenantId=${r.tenantId}><${Costs} key=${r.id} account=${r.id} /></${TenantGate}>`;
    default:
      return html`<h1>Not found</h1><p>This page does not exist. <a href="/" onClick=${onLinkClick}>Go to the overview</a>.</p>`;
  }
}

/** An alert link names its tenant; one of another tenant opens nothing (the callables would answer for the user's own tenant only). */
function TenantGate(props: { tenantId: string; children: ComponentChildren }) {
  const { tenantId } = useSession();
  if (props.tenantId !== tenantId) {
    return html`<h1>Another tenant's link</h1><p class="error" role="alert" id="other-tenant">This link belongs to another tenant than the one you are signed in to (${tenantId}).</p>`;
  }
  return html`${props.children}`;
}

function Shell(props: { session: Session }) {
  const route = useRoute();
  const main = useRef<HTMLElement>(null);
  const first = useRef(true);
  useEffect(() => {
    document.documentElement.dataset.view = route.view;
    // After a navigation, move focus to the new content so keyboard and screen reader users land on it.
    if (first.current) first.current = false;
    else main.current?.focus();
  }, [route]);
  const s = props.session;
  return html`
    <${SessionContext.Provider} value=${s}>
      <a class="skip" href="#main">Skip to content</a>
      <header>
        <span class="brand">costmon</span>
        <nav aria-label="Views">
          <ul>
            ${NAV.map(([href, label, view]) => html`<li><a href=${href} onClick=${onLinkClick} aria-current=${route.view === view ? "page" : undefined}>${label}</a></li>`)}
          </ul>
        </nav>
        <span class="who" id="who">${s.email} · tenant <strong id="tenant">${s.tenantId}</strong></span>
        <button type="button" class="secondary" onClick=${() => signOut(s.api.auth)}>Sign out</button>
      </header>
      <main id="main" tabIndex=${-1} ref=${main}><${View} route=${route} /></main>
    </${SessionContext.Provider}>`;
}

/** Signed out: the sign-in form. Signed in: the views, with the session the claims describe. */
export function App(props: { api: Api; config: PageConfig }) {
  const [user, setUser] = useState<User | null | undefined>(undefined);
  const [session, setSession] = useState<Session | null>(null);
  useEffect(() => onAuthStateChanged(props.api.auth, setUser), [props.api]);
  useEffect(() => {
    setSession(null);
    if (user) void startSession(props.api, user).then(setSession);
  }, [user, props.api]);
  if (user === undefined || (user && !session)) return html`<p class="loading" role="status">Loading…</p>`;
  if (!user || !session) return html`<${SignIn} api=${props.api} config=${props.config} />`;
  return html`<${Shell} session=${session} />`;
}
